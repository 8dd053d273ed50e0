// The server side of two-factor sign-in with totpkit/server: the lines a Next.js app writes.
import { createTotpServer, memoryStore } from 'totpkit/server';
import { currentUser } from '../../../../lib/session.js';

// Made on the first request, not at import: `next build` loads this module without the app's secrets.
const totp = () => (globalThis.totp ??= createTotpServer({ issuer: 'ACME Co', store: memoryStore(), encryptionKey: process.env.TOTP_KEY }));
const steps = {
  begin: (user) => totp().beginEnrollment(user),
  confirm: (user, code, source) => totp().confirmEnrollment(user, code, { source }),
  verify: (user, code, source) => totp().verify(user, code, { source }),
};

export async function POST(request, { params }) {
  const step = steps[(await params).step];
  if (!step) return Response.json({ ok: false }, { status: 404 });
  const { code = '' } = await request.json().catch(() => ({}));
  const result = await step(await currentUser(request), String(code), request.headers.get('x-forwarded-for') ?? '');
  return Response.json(result, { status: result.ok ? 200 : 401 });
}
