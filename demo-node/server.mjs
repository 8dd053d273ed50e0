#!/usr/bin/env node
// The demo's second backend: the mock server's JSON API (mock-server/README.md, "API") in Node, on
// `totpkit/server` and its embedded SQLite store. It serves the same page (www/) and package (pkg/)
// from one origin, under the same strict CSP and headers, so the page cannot tell the two apart.
//
// The account, its password and the sessions are this file's. Every second-factor decision (the
// window, single use, drift memory and resync, the delays and the lock, recovery codes, the pending
// enrollment and its expiry) is the kit's: this file asks `createTotpServer` and maps its refusals
// (`{ ok: false, reason, retryAfterMs?, attemptsLeft? }`) onto the answers www/ understands.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { parseArgs, promisify } from 'node:util';
import { join, resolve, extname, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = `usage: node demo-node/server.mjs [options]

  --port N             port on 127.0.0.1 (default: $PORT, else 8080; 0 picks a free one)
  --db PATH            keep enrolled authenticators in this SQLite file (default: memory only);
                       needs TOTPKIT_ENCRYPTION_KEY, 32 bytes in base64 (openssl rand -base64 32)
  --clock-offset-ms N  shift the server's clock by N ms (may be negative) to show drift detection
  --www DIR            the demo page (default: www/)
  --pkg DIR            the built package: served at /pkg/, and totpkit/server is loaded from it
                       (default: pkg/)
  --allow-host NAME    also answer to this host name (NAME or NAME:PORT; repeatable)
  --quiet              no request log on stderr
  --help               this text`;

const die = (message) => {
  console.error(`error: ${message}`);
  process.exit(2);
};

// A negative offset is a value, as on the mock server's command line (parseArgs reads it as a flag).
const argv = process.argv.slice(2);
for (let i = argv.length - 2; i >= 0; i--) {
  if (argv[i] === '--clock-offset-ms' && /^-\d/.test(argv[i + 1])) argv.splice(i, 2, `${argv[i]}=${argv[i + 1]}`);
}
let args;
try {
  args = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      db: { type: 'string' },
      'clock-offset-ms': { type: 'string' },
      www: { type: 'string' },
      pkg: { type: 'string' },
      'allow-host': { type: 'string', multiple: true, default: [] },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (e) {
  die(`${e.message}\n\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(args.port ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port: not a port: ${args.port}`);
const offsetMs = Number(args['clock-offset-ms'] ?? 0);
if (!Number.isSafeInteger(offsetMs)) die(`--clock-offset-ms: not a whole number: ${args['clock-offset-ms']}`);
const WWW = resolve(args.www ?? join(ROOT, 'www'));
const PKG = resolve(args.pkg ?? join(ROOT, 'pkg'));
/** The server's clock, shifted by --clock-offset-ms: the kit's `now`, the Date header, sessions. */
const now = () => Date.now() + offsetMs;

// ---- The kit ------------------------------------------------------------------------------------

const ISSUER = 'totpkit demo';
const EMAIL = 'alice@example.com';
const PASSWORD = 'correct-horse-battery-staple';

// `totpkit/server` and `totpkit/server/sqlite`, the files the package's exports map gives Node for
// them, loaded from the same pkg/ this server hands to the page.
let kit;
let sqlite;
try {
  const { exports } = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  // The exports map's conditions as Node's ES module loader takes them, first match wins.
  const pick = (target) =>
    typeof target === 'string' ? target : pick(Object.entries(target).find(([c]) => ['node', 'import', 'default'].includes(c))[1]);
  kit = await import(pathToFileURL(join(PKG, pick(exports['./server']))).href);
  sqlite = await import(pathToFileURL(join(PKG, pick(exports['./server/sqlite']))).href);
} catch (e) {
  die(`cannot load totpkit/server from ${PKG} (build it with scripts/build-pkg.sh): ${e.message}`);
}

// Records are encrypted with this key. A database kept across restarts needs the same key every
// time, from somewhere other than the database's folder; a memory-only one takes a fresh key.
const encryptionKey = process.env.TOTPKIT_ENCRYPTION_KEY
  ?? (args.db ? die('--db needs TOTPKIT_ENCRYPTION_KEY: 32 bytes in base64 (openssl rand -base64 32)') : new Uint8Array(randomBytes(32)));
const store = sqlite.sqliteStore({ path: args.db ?? ':memory:' });
let totp;
try {
  totp = kit.createTotpServer({ issuer: ISSUER, store, encryptionKey, now });
  await totp.status(EMAIL); // opens the database now, so a bad path or key stops the start
} catch (e) {
  die(`${e.message}${e.cause ? ` (${e.cause.message})` : ''}`);
}

/** The kit's answer for a user it has no record of, as the refusal the caller would get. */
const known = (promise, reason) => promise.catch((e) => {
  if (e instanceof kit.TotpkitError && e.code === 'UnknownUser') return { ok: false, reason };
  throw e;
});

// ---- Answers ------------------------------------------------------------------------------------

/** An error answer, thrown by the handlers: `{ error, ...fields }` with `status`. */
class Answer extends Error {
  constructor(status, error, fields = {}, headers = {}) {
    super(error);
    Object.assign(this, { status, body: { error, ...fields }, headers });
  }
}
const fail = (status, error, fields) => new Answer(status, error, fields);
const tooMany = (ms) => {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new Answer(429, 'too_many_attempts', { retryAfter }, { 'retry-after': String(retryAfter) });
};

// Second-factor attempts per password login; then the login starts over from the password. The
// kit's own count (100 in a row, then the lock) is per account, across logins.
const ATTEMPTS_PER_LOGIN = 10;

/**
 * The kit's refusal as the mock server words it (www/ switches on these names). `session` is the
 * login the code was tried in (its attempts are counted here), `recovery` a recovery code's.
 */
function refused(r, session, { recovery = false } = {}) {
  switch (r.reason) {
    case 'malformed': // not counted as a guess
      // The kit's enrollments are 6 digits; its refusal does not carry the number.
      return recovery ? fail(422, 'malformed_recovery_code') : fail(422, 'malformed_code', { digits: 6 });
    case 'invalid':
      return wrongCode(r, session, recovery ? 'invalid_recovery_code' : 'invalid_code');
    case 'resync':
      // The code matched the phone's clock minutes away: not accepted, not counted; the page says
      // by how much, and the phone's next code is accepted and its drift remembered.
      return fail(401, 'resync_required', { offsetSeconds: r.offsetSeconds });
    case 'replayed':
      return fail(401, 'code_already_used');
    case 'throttled':
      return tooMany(r.retryAfterMs);
    case 'locked':
      return fail(423, 'account_locked');
    case 'expired':
      return fail(410, 'enrollment_expired');
    case 'no_pending':
      return fail(409, 'no_pending_enrollment');
    case 'not_enrolled':
      return fail(409, 'not_enrolled', { next: 'enroll' });
    case 'already_enrolled':
      return fail(409, 'already_enrolled');
    default:
      throw new Error(`unknown refusal: ${r.reason}`);
  }
}

/** A counted wrong code: attempts left in this login or before the lock, whichever comes first; a
 * clock hint from the second failure on; the login ends when its attempts are used up. */
function wrongCode(r, session, error) {
  const fields = { attemptsLeft: r.attemptsLeft };
  if (session) {
    session.failures += 1;
    const loginLeft = ATTEMPTS_PER_LOGIN - session.failures;
    fields.attemptsLeft = Math.min(loginLeft, r.attemptsLeft);
    if (error === 'invalid_code' && session.failures >= 2) fields.hint = 'check_clock';
    if (loginLeft <= 0 && session.stage === 'password') {
      sessions.delete(session.id);
      fields.next = 'login';
    }
  }
  return fail(401, error, fields);
}

// ---- Password and sessions (this server's, not the kit's) ---------------------------------------

const hash = promisify(scrypt);
const normalizeEmail = (email) => email.trim().toLowerCase();
const passwords = new Map([[EMAIL, await hashPassword(PASSWORD)]]);
const DUMMY = await hashPassword(randomBytes(16).toString('hex'));

/** scrypt, salted: a production server does the same (or Argon2id). */
async function hashPassword(password, salt = randomBytes(16)) {
  return { salt, hash: await hash(password, salt, 32) };
}

// Wrong passwords per email and source: from the third in a row, a wait doubling from 1 s to 60 s.
// Never a lock, which anyone who knows the email could use to keep its owner out.
const passwordFailures = new Map();
const MAX_TRACKED = 10_000;

/** The normalized email when the password is right; else 401 (unknown emails cost the same). */
async function checkPassword(email, password, source) {
  const key = `${normalizeEmail(email)}\n${source}`;
  const failed = passwordFailures.get(key);
  if (failed && failed.count >= 3) {
    const wait = failed.at + Math.min(1000 * 2 ** (failed.count - 3), 60_000) - now();
    if (wait > 0) throw tooMany(wait);
  }
  const user = passwords.get(normalizeEmail(email));
  const typed = await hash(password, (user ?? DUMMY).salt, 32);
  if (user && timingSafeEqual(typed, user.hash)) {
    passwordFailures.delete(key);
    return normalizeEmail(email);
  }
  if (passwordFailures.size >= MAX_TRACKED) passwordFailures.delete(passwordFailures.keys().next().value);
  passwordFailures.set(key, { count: (failed?.count ?? 0) + 1, at: now() });
  throw fail(401, 'invalid_credentials');
}

// Sessions: the cookie holds 32 random bytes, the table their SHA-256. A password session lasts 10
// minutes, a signed-in one 8 hours; the second factor replaces the token (no session fixation).
const COOKIE = 'totpkit_session';
const TTL = { password: 10 * 60_000, full: 8 * 3600_000 };
const MAX_SESSIONS = 10_000;
const sessions = new Map();
const digest = (token) => createHash('sha256').update(token).digest('hex');

function startSession(ctx, email, stage) {
  if (ctx.session) sessions.delete(ctx.session.id);
  // When the table is full, expired and password-stage sessions make room (oldest first); a
  // flood of logins never signs anyone out.
  for (const [id, s] of sessions) {
    if (sessions.size < MAX_SESSIONS) break;
    if (s.stage === 'password' || s.expires <= now()) sessions.delete(id);
  }
  if (sessions.size >= MAX_SESSIONS) throw fail(503, 'server_busy');
  const token = randomBytes(32).toString('base64url');
  const id = digest(token);
  sessions.set(id, { id, email, stage, expires: now() + TTL[stage], failures: 0 });
  ctx.cookies.push(`${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
}

/** The request's live session, or null. */
function sessionOf(req) {
  const token = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  const session = token ? sessions.get(digest(token)) : undefined;
  if (!session) return null;
  if (session.expires > now()) return session;
  sessions.delete(session.id);
  return null;
}

function requireSession(ctx) {
  if (!ctx.session) throw fail(401, 'login_required');
  return ctx.session;
}

// ---- The API ------------------------------------------------------------------------------------

/** `{ a: 'string', b: 'string?' }`: the body's fields of those types, or 422 invalid_fields. */
function fields(body, spec) {
  for (const [name, type] of Object.entries(spec)) {
    const value = body[name];
    if (value === undefined ? !type.endsWith('?') : typeof value !== 'string') throw fail(422, 'invalid_fields');
  }
  return body;
}

function exactlyOne(body, a, b) {
  if ((body[a] === undefined) === (body[b] === undefined)) throw fail(422, 'invalid_fields', { expected: `exactly one of ${a}, ${b}` });
}

const api = {
  'GET /api/time': () => totp.timeHandler(),
  'GET /api/ping': () => null,

  async 'POST /api/login'(ctx) {
    const { email, password } = fields(await ctx.json(), { email: 'string', password: 'string' });
    const user = await checkPassword(email, password, ctx.ip);
    const { enrolled } = await totp.status(user);
    startSession(ctx, user, 'password');
    return { next: enrolled ? 'otp' : 'enroll' };
  },

  // The pending secret; while it is confirmable (10 minutes), the same one again (`resumed`), so a
  // reload does not break a phone that already scanned it.
  async 'POST /api/2fa/enroll'(ctx) {
    const session = requireSession(ctx);
    const e = await totp.beginEnrollment(session.email, { account: session.email });
    if (!e.ok) throw refused(e, session);
    const params = new URL(e.uri).searchParams;
    return {
      otpauthUri: e.uri,
      secret: e.secret,
      issuer: ISSUER,
      account: session.email,
      algorithm: params.get('algorithm'),
      digits: Number(params.get('digits')),
      period: Number(params.get('period')),
      expiresAt: e.expiresAt,
      resumed: e.resumed,
    };
  },

  async 'POST /api/2fa/confirm'(ctx) {
    const session = requireSession(ctx);
    const { code } = fields(await ctx.json(), { code: 'string' });
    const r = await known(totp.confirmEnrollment(session.email, code, { source: ctx.ip }), 'no_pending');
    if (!r.ok) throw refused(r, session);
    startSession(ctx, session.email, 'full');
    return { recoveryCodes: r.recoveryCodes, next: 'done' };
  },

  async 'POST /api/login/otp'(ctx) {
    const session = requireSession(ctx);
    if (session.stage === 'full') throw fail(409, 'already_signed_in');
    const body = fields(await ctx.json(), { code: 'string?', recoveryCode: 'string?' });
    exactlyOne(body, 'code', 'recoveryCode');
    const source = { source: ctx.ip };
    let left;
    if (body.code !== undefined) {
      const r = await known(totp.verify(session.email, body.code, source), 'not_enrolled');
      if (!r.ok) throw refused(r, session);
      left = (await totp.status(session.email)).recoveryCodesLeft;
    } else {
      const r = await known(totp.useRecoveryCode(session.email, body.recoveryCode, source), 'not_enrolled');
      if (!r.ok) throw refused(r, session, { recovery: true });
      left = r.recoveryCodesLeft;
    }
    startSession(ctx, session.email, 'full');
    return { next: 'done', recoveryCodesLeft: left };
  },

  // A new set of recovery codes for a signed-in session, with the password or a TOTP code.
  async 'POST /api/2fa/recovery-codes'(ctx) {
    const session = requireSession(ctx);
    if (session.stage !== 'full') throw fail(401, 'second_factor_required');
    const body = fields(await ctx.json(), { password: 'string?', code: 'string?' });
    exactlyOne(body, 'password', 'code');
    if (body.password !== undefined) {
      await checkPassword(session.email, body.password, ctx.ip);
    } else {
      const r = await known(totp.verify(session.email, body.code, { source: ctx.ip }), 'not_enrolled');
      if (!r.ok) throw refused(r, session);
    }
    return { recoveryCodes: await totp.regenerateRecoveryCodes(session.email) };
  },

  // Lost phone: the password and a recovery code remove the authenticator; every session of the
  // account ends, and this one goes on to enroll.
  async 'POST /api/2fa/reset'(ctx) {
    const body = fields(await ctx.json(), { email: 'string?', password: 'string', recoveryCode: 'string' });
    const email = body.email ?? ctx.session?.email;
    if (email === undefined) throw fail(401, 'login_required');
    const user = await checkPassword(email, body.password, ctx.ip);
    const r = await known(totp.useRecoveryCode(user, body.recoveryCode, { source: ctx.ip }), 'not_enrolled');
    if (!r.ok) throw refused(r, null, { recovery: true });
    await totp.disable(user);
    for (const [id, s] of sessions) if (s.email === user) sessions.delete(id);
    startSession(ctx, user, 'password');
    return { next: 'enroll' };
  },

  async 'GET /api/me'(ctx) {
    const session = requireSession(ctx);
    const { enrolled } = await totp.status(session.email);
    if (session.stage !== 'full') throw fail(401, 'second_factor_required', { next: enrolled ? 'otp' : 'enroll' });
    return { email: session.email, twoFactor: enrolled };
  },

  'POST /api/logout'(ctx) {
    if (ctx.session) sessions.delete(ctx.session.id);
    ctx.cookies.push(`${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { next: 'login' };
  },
};

/** The request's JSON body: an object of at most 16 KB, sent as application/json. */
async function readJson(req) {
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) throw fail(415, 'unsupported_media_type');
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw fail(413, 'body_too_large');
    chunks.push(chunk);
  }
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw fail(400, 'malformed_json');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw fail(422, 'invalid_fields');
  return body;
}

async function handleApi(req, res, path) {
  const routes = Object.keys(api).filter((route) => route.endsWith(` ${path}`));
  const handler = api[`${req.method === 'HEAD' ? 'GET' : req.method} ${path}`];
  if (!handler) {
    if (!routes.length) throw fail(404, 'not_found');
    res.setHeader('allow', routes.map((r) => r.split(' ')[0]).join(', '));
    throw fail(405, 'method_not_allowed');
  }
  const ctx = { ip: req.socket.remoteAddress ?? '', session: sessionOf(req), cookies: [], json: () => readJson(req) };
  try {
    const result = await handler(ctx);
    if (result instanceof Response) {
      // The kit's timeHandler: `{ now }`, its Date header, no-store.
      res.writeHead(result.status, Object.fromEntries(result.headers));
      return res.end(await result.text());
    }
    if (result === null) return res.writeHead(204).end();
    sendJson(res, 200, result, { 'set-cookie': ctx.cookies });
  } catch (e) {
    if (e instanceof Answer && ctx.cookies.length) e.headers['set-cookie'] = ctx.cookies;
    throw e;
  }
}

// ---- HTTP ---------------------------------------------------------------------------------------

// The headers of every answer: the one table the mock server compiles in
// (mock-server/headers.txt; tests/e2e/demo-node.spec.mjs compares the two servers' answers).
const HEADERS = Object.fromEntries(
  readFileSync(join(ROOT, 'mock-server', 'headers.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
);

// The one table of content types a browser is strict about, shared with the mock server.
const TYPES = new Map(
  readFileSync(join(ROOT, 'mock-server', 'content-types.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => [`.${line.slice(0, line.indexOf(' '))}`, line.slice(line.indexOf(' ') + 1).trim()]),
);

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** www/ at /, pkg/ at /pkg/; a folder answers with its index.html. */
async function serveFile(req, res, path) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, { allow: 'GET, HEAD' }).end();
  const [root, rel] = path.startsWith('/pkg/') ? [PKG, path.slice('/pkg/'.length)] : [WWW, path.slice(1)];
  let file;
  try {
    file = resolve(root, decodeURIComponent(rel) + (rel === '' || rel.endsWith('/') ? 'index.html' : ''));
  } catch {
    return res.writeHead(404).end();
  }
  if (!file.startsWith(root + sep)) return res.writeHead(404).end();
  let body;
  try {
    body = await readFile(file);
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': TYPES.get(extname(file).toLowerCase()) ?? 'application/octet-stream' });
  res.end(body);
}

// Only these names are answered (DNS rebinding: a page on rebind.attacker.example sends its own
// name in Host and Origin alike, so comparing the two proves nothing).
let hosts = [];
const allowedHost = (host) => hosts.includes(String(host).toLowerCase());

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://host').pathname;
  let reason = '';
  if (!args.quiet) {
    // Method, path, status and error reason only: never a body, a code, a cookie or a query.
    res.on('finish', () => console.error(`${req.method} ${path} ${res.statusCode} ${reason}`.trimEnd()));
  }
  for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
  res.setHeader('date', new Date(now()).toUTCString());
  const isApi = path === '/api' || path.startsWith('/api/');
  res.setHeader('cache-control', isApi ? 'no-store' : 'no-cache');
  try {
    if (!allowedHost(req.headers.host)) throw fail(421, 'unknown_host');
    if (!isApi) return await serveFile(req, res, path);
    const origin = req.headers.origin;
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && !(origin.startsWith('http://') && allowedHost(origin.slice(7)))) {
      throw fail(403, 'cross_origin');
    }
    await handleApi(req, res, path);
  } catch (e) {
    let answer = e;
    if (!(e instanceof Answer)) {
      // The kit throws for broken storage or a record it cannot read: nothing was granted.
      const storage = e instanceof kit.TotpkitError && ['StoreUnavailable', 'StoreConflict', 'InvalidRecord', 'WrongEncryptionKey'].includes(e.code);
      console.error(`error: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`);
      answer = storage ? fail(503, 'storage_unavailable') : fail(500, 'server_error');
    }
    reason = answer.body.error;
    if (!res.headersSent) sendJson(res, answer.status, answer.body, answer.headers);
    else res.destroy();
  }
});
// A request's head within 10 s (also the idle keep-alive limit), the whole request within 10 s.
server.headersTimeout = 10_000;
server.requestTimeout = 10_000;
server.keepAliveTimeout = 10_000;

server.listen(port, '127.0.0.1', () => {
  const { port: real } = server.address();
  hosts = [`127.0.0.1:${real}`, `localhost:${real}`];
  for (const name of args['allow-host']) hosts.push(/:\d+$/.test(name) ? name.toLowerCase() : `${name.toLowerCase()}:${real}`);
  console.log(`totpkit demo server (Node, totpkit/server): http://127.0.0.1:${real}/`);
  console.log(`demo account: ${EMAIL}  password: ${PASSWORD}`);
});
server.on('error', (e) => die(e.message));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    server.close();
    server.closeAllConnections();
    await store.close();
    process.exit(0);
  });
}
