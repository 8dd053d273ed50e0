// The public types of totpkit/server under `tsc --strict`, in a Node-only project and in a DOM one:
// what a site writes compiles, and a wrong call does not.
import { createTotpServer, memoryStore, TotpkitError, ERROR_CODES } from 'totpkit/server';
import type { TotpStore, Refusal, RefusalReason, ServerErrorCode, Status } from 'totpkit/server';
import { postgresStore } from 'totpkit/server/postgres';
import { sqliteStore } from 'totpkit/server/sqlite';

const totp = createTotpServer({
  issuer: 'ACME Co',
  store: memoryStore(),
  encryptionKey: new Uint8Array(32),
  previousKeys: ['MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='],
  now: () => Date.now(),
});

export async function login(userId: string, code: string, ip: string): Promise<number | Refusal> {
  const answer = await totp.verify(userId, code, { source: ip });
  if (answer.ok) return answer.step + answer.driftSteps;
  const reason: RefusalReason = answer.reason;
  const wait: number | undefined = answer.retryAfterMs;
  (void reason, wait);
  return answer;
}

export async function enroll(userId: string): Promise<string | undefined> {
  const begun = await totp.beginEnrollment(userId, { account: 'alice@example.com' });
  if (!begun.ok) return undefined;
  const expires: number = begun.expiresAt;
  const resumed: boolean = begun.resumed;
  (void expires, resumed);
  const confirmed = await totp.confirmEnrollment(userId, '123456');
  if (confirmed.ok) {
    const codes: string[] = confirmed.recoveryCodes;
    void codes;
  }
  const recovery = await totp.useRecoveryCode(userId, 'abcde-fghjk');
  if (recovery.ok) void (recovery.recoveryCodesLeft satisfies number);
  const fresh: string[] = await totp.regenerateRecoveryCodes(userId);
  const status: Status = await totp.status(userId);
  const nothing: void = await totp.disable(userId);
  (void fresh, status, nothing);
  return begun.uri;
}

export const own: TotpStore = {
  async get(userId: string) {
    return userId ? { version: 1, data: 'tk1…' } : null;
  },
  async put(_userId: string, _data: string, expectedVersion: number) {
    return expectedVersion >= 0;
  },
  async delete() {
    return true;
  },
};

export const shared = postgresStore({ connectionString: 'postgresql://localhost/app', table: 'app.totp' });
export const embedded: TotpStore = sqliteStore({ path: 'totp.db' });
export const ensured: Promise<void> = shared.ensureSchema().then(() => shared.close());
export const time: Response = totp.timeHandler();

export function describe(e: unknown): ServerErrorCode | undefined {
  if (e instanceof TotpkitError) {
    const code: (typeof ERROR_CODES)[number] = e.code;
    return code;
  }
  return undefined;
}

// @ts-expect-error: a code is a string
void totp.verify('alice', 123456);
// @ts-expect-error: the options are named
void totp.verify('alice', '123456', '203.0.113.7');
// @ts-expect-error: a store needs put and delete
createTotpServer({ issuer: 'ACME Co', store: { get: async () => null }, encryptionKey: 'x' });
// @ts-expect-error: no such store option
sqliteStore({ file: 'totp.db' });
