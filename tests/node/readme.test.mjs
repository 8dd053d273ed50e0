// The READMEs cannot rot: every ```js block of npm/README.md and README.md runs here in Node
// against the built package (pkg/), as a file that imports 'totpkit' the way a user's does.
// Blocks that touch the page get a small stand-in: a fake `document` (whose elements also take
// attributes, listeners and the custom elements' acceptCode/rejectCode), and `location` + `fetch`
// pointing at a local HTTP server that answers /api/time like the README's endpoint and
// /api/2fa/confirm like the elements example's. What a block shows is checked, not only that it
// ran. The ```js block of the Node recipe also runs in
// Deno and Bun when their npm binaries are installed. (Chromium runs the browser blocks in
// tests/e2e/readme.spec.mjs; which block runs where: ./readme-blocks.mjs.)
//
// The server blocks (totpkit/server) run here too, from the temp folder as working directory (the
// SQLite file is made there, never in the repository), with the key the README's own `node -e`
// command makes as TOTP_KEY; each is driven through what it promises: enrollment, single use,
// recovery codes, the SQLite file shared by a second store, a store of one's own under
// concurrent verifications, a key rotation (the record rewritten under the new key, the old
// server refused), the Express router over real HTTP, the Next.js route handler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import express from 'express';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  root, READMES, codeBlocks, where, importsByPath, importsElements, isServerOnly, promisedOutput, PHONE_BEHIND_MS,
  DRIFT_MESSAGE, ATTEMPTS_LEFT, confirmAnswer,
} from './readme-blocks.mjs';

const pkgDir = join(root, 'pkg');
const nextApp = join(root, 'tests', 'consumers', 'next');
const npmBlocks = codeBlocks(READMES.npm);
const mainBlocks = codeBlocks(READMES.main);
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

// A folder where `import 'totpkit'` (and 'totpkit/server', 'totpkit/server/sqlite',
// 'totpkit/server/postgres') finds pkg/ as an installed package, beside the packages the server
// blocks name: express, and better-sqlite3 (with its own dependencies) for sqliteStore on a Node
// without node:sqlite. (Node resolves a linked package's own imports from its real path, so
// pkg/server-sqlite.js would find the repository's better-sqlite3 anyway; the links make the
// folder what a user's install is.)
const dir = mkdtempSync(join(tmpdir(), 'totpkit-readme-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(pkgDir, join(dir, 'node_modules', 'totpkit'), 'dir');
for (const dep of ['express', 'better-sqlite3', 'bindings', 'file-uri-to-path']) {
  symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
}
writeFileSync(join(dir, 'package.json'), '{ "type": "module", "dependencies": { "totpkit": "*" } }\n');
mkdirSync(join(dir, 'lib'));
for (const f of ['accept-code.js', 'users.js', 'session.js']) writeFileSync(join(dir, 'lib', f), readFileSync(join(nextApp, 'lib', f)));
const totpkit = await import(pathToFileURL(join(dir, 'node_modules', 'totpkit', 'node.js')));
const serverKit = await import(pathToFileURL(join(dir, 'node_modules', 'totpkit', 'server-node.js')));
const { sqliteStore } = await import(pathToFileURL(join(dir, 'node_modules', 'totpkit', 'server-sqlite.js')));
// The Next.js app's files that are README blocks: a block equal to one is written at its path.
const NEXT_FILES = ['app/page.js', 'app/api/verify/route.js', 'lib/accept-code.js', 'app/api/2fa/[step]/route.js', 'app/two-factor/page.js'];
const nextFile = (p) => readFileSync(join(nextApp, p), 'utf8');
const nextFileOf = (block) => NEXT_FILES.find((p) => nextFile(p) === block.code);

// The README's key command (its ```sh block `node -e …`) makes the keys the server blocks read:
// TOTP_KEY, and TOTP_KEY_OLD for the rotation example.
const keyBlock = npmBlocks.find((b) => b.lang === 'sh' && b.code.startsWith('node -e '));
const makeKey = () => execFileSync('sh', ['-c', keyBlock.code], { cwd: dir, encoding: 'utf8' }).trim();
process.env.TOTP_KEY = makeKey();
process.env.TOTP_KEY_OLD = makeKey();
/** A key's id in a record's envelope: the first 8 bytes of its SHA-256, hex. */
const keyId = (base64) => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex').slice(0, 16);
// Relative paths in blocks ('totp.db') land in the temp folder.
process.chdir(dir);

let server;
before(async () => {
  server = createServer(async (req, res) => {
    if (req.url === '/api/time') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ now: Date.now() }));
    } else if (req.url === '/api/2fa/confirm' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const [status, answer] = confirmAnswer(totpkit.verifyTotp, body, Date.now());
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
});
after(() => {
  server.close();
  process.chdir(root);
  rmSync(dir, { recursive: true, force: true });
});

class FakeElement {
  innerHTML = '';
  textContent = '';
  attributes = {};
  listeners = {};
  /** What the host answered through the custom elements' methods. */
  accepted = 0;
  rejected = [];
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  getAttribute(name) {
    return this.attributes[name] ?? null;
  }
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  acceptCode() {
    this.accepted += 1;
  }
  rejectCode(info) {
    this.rejected.push(info);
  }
}

/** Installs the page stand-ins as globals; returns the function that removes them. */
function installPage(page) {
  const realFetch = globalThis.fetch;
  Object.assign(globalThis, page);
  return () => {
    for (const k of Object.keys(page)) delete globalThis[k];
    if (realFetch) globalThis.fetch = realFetch;
  };
}

/**
 * Runs one block as a module in `dir`, with the page stand-ins installed as globals; returns
 * its exports, what it logged, the elements it wrote, the intervals it started and the givens.
 */
let n = 0;
async function run(block) {
  // The drift example must end in the step it started in (a boundary crossed on the way makes
  // the phone 2.5 minutes behind): start it early enough in a step.
  const intoStep = Date.now() % 30_000;
  if (block.code.includes('typed') && intoStep > 25_000) await new Promise((r) => setTimeout(r, 30_010 - intoStep));
  const secret = totpkit.generateSecret();
  const givens = { secret, typed: totpkit.totpCode(secret, Date.now() - PHONE_BEHIND_MS) };
  const elements = new Map();
  const element = (key) => elements.get(key) ?? elements.set(key, new FakeElement()).get(key);
  const logged = [];
  const intervals = [];
  const realFetch = globalThis.fetch;
  const saved = { setInterval: globalThis.setInterval, log: console.log };
  const page = {
    ...givens,
    qrBox: element('qrBox'),
    manualKey: element('manualKey'),
    document: { querySelector: (sel) => element(sel), getElementById: (id) => element('#' + id) },
    location: new URL(`http://127.0.0.1:${server.address().port}/`),
    // A page's fetch takes relative URLs; Node's does not.
    fetch: (url, opts) => realFetch(new URL(url, globalThis.location.href), opts),
  };
  const removePage = installPage(page);
  globalThis.setInterval = (fn, ms) => intervals.push({ fn, ms });
  console.log = (...args) => logged.push(args);
  // A block that names its file in a first-line comment ("// app/api/verify/route.js"), or is a
  // file of the Next app, is written there, beside the Next app's lib/ (the README's acceptCode,
  // a stand-in database and a stand-in session).
  const named = nextFileOf(block) ?? block.code.match(/^\/\/ ([\w/.-]+\.js)\n/)?.[1];
  const file = join(dir, named ?? `block-${++n}.mjs`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, block.code + exportConstants(block.code));
  try {
    const exports = await import(pathToFileURL(file));
    return { exports, logged, elements, intervals, givens, page };
  } finally {
    console.log = saved.log;
    globalThis.setInterval = saved.setInterval;
    removePage();
  }
}

/**
 * `export { … }` for a block's top-level constants, so that what it computed can be checked
 * (a module's locals are invisible from outside). Blocks that export already are left alone.
 */
function exportConstants(code) {
  if (/^export /m.test(code)) return '';
  const names = [];
  for (const m of code.matchAll(/^const (?:(\w+)|\{([^}]*)\}) =/gm)) {
    if (m[1]) names.push(m[1]);
    else names.push(...m[2].split(',').map((x) => x.trim().split(':').pop().trim()).filter(Boolean));
  }
  return names.length ? `\nexport { ${names.join(', ')} };\n` : '';
}

const base32Groups = /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/;

function expectEnrollmentShown(qr, key) {
  assert.match(qr.innerHTML, /^<svg[^>]* role="img" aria-label="QR code to add ACME Co \(alice@example\.com\)/);
  assert.match(key.textContent, base32Groups);
}

/**
 * What a block logged is what its `// →` comments say: the text console.log would print for
 * strings and numbers; an object or array logged is compared as the value the comment writes
 * in JS (`// → { ok: false, reason: 'replayed' }`), whatever the key order or line breaks.
 */
function expectLogged(block, logged) {
  const promised = promisedOutput(block);
  assert.equal(logged.length, promised.length, `${where(block)}: logged ${JSON.stringify(logged)}, promised ${JSON.stringify(promised)}`);
  logged.forEach((args, i) => {
    if (args.some((a) => a !== null && typeof a === 'object')) {
      assert.deepEqual(args, Function(`return [${promised[i]}];`)(), `${where(block)}: console.log #${i + 1}`);
    } else {
      assert.equal(args.join(' '), promised[i], `${where(block)}: console.log #${i + 1}`);
    }
  });
}

/** What each kind of block must have done, recognized by what it calls. */
async function check(block, r) {
  const { exports, logged, elements, intervals, givens, page } = r;
  expectLogged(block, logged);
  const checked = [];
  if (elements.has('#qr') && block.code.includes('enrollment(')) {
    expectEnrollmentShown(elements.get('#qr'), elements.get('#key'));
    checked.push('enrollment shown');
  }
  if (/qrBox\.innerHTML/.test(block.code)) {
    expectEnrollmentShown(elements.get('qrBox'), elements.get('manualKey'));
    checked.push('enrollment shown');
  }
  if (block.code.includes('codePreview(') && elements.has('#code')) {
    const now = Date.now();
    const near = [0, -30_000].map((d) => totpkit.totpCode(givens.secret, now + d));
    const m = elements.get('#code').textContent.match(/^(\d{6}) · next (\d{6}) in (\d+) s$/);
    assert.ok(m, elements.get('#code').textContent);
    assert.ok(near.includes(m[1]), 'the code shown is the current one');
    assert.ok(+m[3] >= 1 && +m[3] <= 30);
    assert.equal(intervals.length, 1, 'it keeps ticking');
    assert.equal(intervals[0].ms, 1000);
    checked.push('live code');
  }
  if (elements.has('#error')) {
    assert.equal(elements.get('#error').textContent, DRIFT_MESSAGE);
    checked.push('drift message');
  }
  if (exports.d && block.code.includes('diagnoseCode(')) {
    assert.equal(exports.d.kind, 'drift');
    assert.equal(exports.d.offsetSeconds, -PHONE_BEHIND_MS / 1000);
    assert.ok(['ok', 'minor'].includes(exports.clock.status), 'the local server agrees with this clock');
    if ('code' in exports) assert.ok([0, -30_000].map((d) => totpkit.totpCode(givens.secret, Date.now() + d)).includes(exports.code));
    checked.push('diagnosis');
  }
  if (typeof exports.POST === 'function' && block.code.startsWith('// app/api/verify/route.js\n')) {
    const now = Date.now();
    const post = (body) => exports.POST(new Request('http://app.example/api/verify', { method: 'POST', body: JSON.stringify(body) }));
    const code = totpkit.totpCode(RFC_SECRET, now);
    const first = await post({ userId: 'alice', code });
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { ok: true });
    assert.equal((await post({ userId: 'alice', code })).status, 401, 'a replay is refused');
    assert.equal((await post({ userId: 'alice', code: 'abc' })).status, 401);
    assert.equal((await post({ userId: 'nobody', code })).status, 401);
    checked.push('route POST');
  }
  if (typeof exports.acceptCode === 'function') {
    const { acceptCode } = exports;
    const now = Date.now();
    const user = { totpSecret: RFC_SECRET, lastStep: undefined };
    const code = totpkit.totpCode(RFC_SECRET, now);
    assert.equal(acceptCode(user, code, now), true, 'the current code is accepted');
    assert.equal(user.lastStep, Math.floor(now / 30_000), 'and its step is stored');
    assert.equal(acceptCode(user, code, now), false, 'a replay is refused');
    assert.equal(acceptCode(user, totpkit.totpCode(RFC_SECRET, now - 30_000), now), false, 'an older code is refused');
    assert.equal(acceptCode({ totpSecret: RFC_SECRET }, 'abc', now), false, 'junk is refused, not thrown');
    assert.equal(acceptCode({ totpSecret: RFC_SECRET }, '000000', now - 3_600_000 * 24), false);
    assert.throws(() => acceptCode({ totpSecret: 'not base32!' }, '123456', now), (e) => e instanceof totpkit.TotpkitError && e.code === 'InvalidBase32');
    checked.push('acceptCode');
  }
  if (typeof exports.default?.fetch === 'function') {
    const res = await exports.default.fetch(new Request('http://worker.example/'));
    const now = Date.now();
    assert.ok([now, now - 30_000].map((t) => totpkit.totpCode(RFC_SECRET, t)).includes(await res.text()));
    checked.push('worker fetch');
  }
  if (importsElements(block)) {
    // The host of <totp-enrollment>: it gave the element an enrollment URI and listens for
    // `totp-code`; played here as the element would (in a browser, readme.spec does it for real).
    const el = elements.get('totp-enrollment');
    assert.ok(el, 'the block looks up <totp-enrollment>');
    const key = totpkit.parseOtpauthUri(el.getAttribute('uri'));
    assert.equal(key.issuer, 'ACME Co');
    assert.equal(key.account, 'alice@example.com');
    assert.equal(el.listeners['totp-code']?.length, 1, 'it listens for totp-code');
    const [listener] = el.listeners['totp-code'];
    const removePage = installPage(page);
    try {
      await listener({ detail: { code: totpkit.totpCode(key.secret, Date.now() - PHONE_BEHIND_MS) } });
      assert.deepEqual(el.rejected, [{ ok: false, attemptsLeft: ATTEMPTS_LEFT }], "a wrong code: rejectCode with the server's answer");
      assert.equal(el.accepted, 0);
      await listener({ detail: { code: totpkit.totpCode(key.secret, Date.now()) } });
      assert.equal(el.accepted, 1, 'the right code: acceptCode');
      assert.equal(el.rejected.length, 1);
    } finally {
      removePage();
    }
    checked.push('elements host');
  }
  // A page's element imports (`import 'totpkit/elements/code-field'`): each resolves through the
  // package's exports, and what it loads (bundled as a page is, static imports only) holds none
  // of the wasm front: no init(), no .wasm, as the README says.
  const entries = [...block.code.matchAll(/^import '(totpkit\/elements\/[a-z-]+)';$/gm)].map((m) => m[1]);
  if (entries.length) {
    const { buildSync } = await import('esbuild');
    for (const entry of entries) {
      // Resolved as a bundler does, from a page beside node_modules/totpkit (its `exports`).
      const stdin = { contents: `import '${entry}';`, resolveDir: dir };
      const { metafile } = buildSync({ stdin, bundle: true, splitting: true, format: 'esm', outdir: join(dir, 'out'), write: false, metafile: true, logLevel: 'silent' });
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
      const seen = new Set();
      const walk = (o) => {
        for (const i of o.imports.filter((i) => i.kind !== 'dynamic-import' && !seen.has(i.path))) seen.add(i.path) && walk(metafile.outputs[i.path]);
      };
      walk(output);
      const inputs = [output, ...[...seen].map((p) => metafile.outputs[p])].flatMap((o) => Object.keys(o.inputs));
      assert.ok(inputs.some((i) => i.endsWith(`elements/${entry.split('/').pop()}.js`)), `${entry} resolves to its element`);
      assert.ok(!inputs.some((i) => /(front|glue)\.js$/.test(i)), `${entry} loads the wasm front: ${inputs.join(', ')}`);
    }
    checked.push('element entries without the wasm');
  }
  if (isServerOnly(block)) checked.push(...(await checkServer(block, exports)));
  if (logged.length) checked.push('logged output');
  return checked;
}

// ---- The server blocks ----------------------------------------------------------------------

const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;
/** Server kinds checked so far: the last test asserts every one ran. */
const serverChecked = new Set();

/** A 6-digit code that is no code of `secret` within ±11 steps of now: wrong, and no resync. */
function wrongCode(secret) {
  const near = new Set(Array.from({ length: 23 }, (_, i) => totpkit.totpCode(secret, Date.now() + (i - 11) * 30_000)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}
const nextCode = (secret) => totpkit.totpCode(secret, Date.now() + 30_000);

/** Enrolls `user` (begin, then confirm with the current code); returns the secret and the recovery codes. */
async function enroll(totp, user) {
  const begun = await totp.beginEnrollment(user);
  assert.equal(begun.ok, true);
  const code = totpkit.totpCode(begun.secret, Date.now());
  const confirmed = await totp.confirmEnrollment(user, code);
  assert.equal(confirmed.ok, true);
  return { secret: begun.secret, code, recoveryCodes: confirmed.recoveryCodes };
}

const rowKeyId = async (user) => (await sqliteRow(user)).data.split('.')[1];
async function sqliteRow(user) {
  const store = sqliteStore({ path: join(dir, 'totp.db') });
  try {
    return await store.get(user);
  } finally {
    await store.close();
  }
}

async function checkServer(block, exports) {
  const checked = [];
  const { totp } = exports;
  if (exports.confirmed) {
    // The contract walk-through: what it enrolled is what the prose says.
    const key = totpkit.parseOtpauthUri(exports.uri);
    assert.equal(key.issuer, 'ACME Co');
    assert.equal(key.account, 'alice@example.com');
    assert.equal(key.secret, exports.secret);
    const codes = exports.confirmed.recoveryCodes;
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, RECOVERY_CODE);
    const status = await totp.status('user-42');
    assert.equal(status.enrolled, true);
    assert.equal(status.recoveryCodesLeft, 10);
    // Recovery codes: typed in any case, each once.
    assert.deepEqual(await totp.useRecoveryCode('user-42', codes[0].toUpperCase(), { source: exports.source }), { ok: true, recoveryCodesLeft: 9 });
    assert.deepEqual(await totp.useRecoveryCode('user-42', codes[0], { source: exports.source }), { ok: false, reason: 'replayed' });
    const verified = await totp.verify('user-42', nextCode(exports.secret), { source: exports.source });
    assert.equal(verified.ok, true, 'the next code signs in');
    // timeHandler: { now }, not cached.
    const res = totp.timeHandler(new Request('http://app.example/api/time'));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.ok(Math.abs((await res.json()).now - Date.now()) < 5_000);
    // disable: everything gone, and the user may enroll again.
    await totp.disable('user-42');
    assert.deepEqual(await totp.status('user-42'), { enrolled: false, pending: false, recoveryCodesLeft: 0, driftSteps: 0, locked: false });
    assert.deepEqual(await totp.verify('user-42', nextCode(exports.secret)), { ok: false, reason: 'not_enrolled' });
    const again = await totp.beginEnrollment('user-42');
    assert.equal(again.ok, true);
    assert.notEqual(again.secret, exports.secret);
    checked.push('server contract');
  } else if (exports.rows instanceof Map) {
    // A store of one's own: the kit runs on it, and its compare-and-set holds under a burst.
    const { rows, store } = exports;
    const { secret } = await enroll(totp, 'map-user');
    assert.equal(rows.get('map-user').version, 2, 'begin wrote version 1, confirm version 2');
    const code = nextCode(secret);
    const answers = await Promise.all(Array.from({ length: 5 }, () => totp.verify('map-user', code)));
    assert.equal(answers.filter((a) => a.ok).length, 1, 'one code sent five times at once is accepted once');
    assert.deepEqual(answers.filter((a) => !a.ok), Array(4).fill({ ok: false, reason: 'replayed' }));
    assert.equal(await store.put('map-user', 'stale', 2), false, 'a write from an old version loses');
    const before = rows.get('map-user').version;
    await totp.disable('map-user');
    assert.ok(rows.has('map-user'), 'disable keeps the row (an empty record)');
    assert.equal(rows.get('map-user').version, before + 1, 'and its version goes on counting');
    assert.equal((await totp.status('map-user')).enrolled, false);
    checked.push('own store');
  } else if (block.code.includes('previousKeys')) {
    // Rotation: a record under TOTP_KEY_OLD is read, and rewritten under TOTP_KEY at its next write.
    const oldStore = sqliteStore({ path: join(dir, 'totp.db') });
    const old = serverKit.createTotpServer({ issuer: 'ACME Co', store: oldStore, encryptionKey: process.env.TOTP_KEY_OLD });
    try {
      const { secret } = await enroll(old, 'rotated-user');
      assert.equal(await rowKeyId('rotated-user'), keyId(process.env.TOTP_KEY_OLD));
      assert.equal((await totp.status('rotated-user')).enrolled, true, 'the new server reads the old key');
      assert.equal((await totp.verify('rotated-user', nextCode(secret))).ok, true);
      assert.equal(await rowKeyId('rotated-user'), keyId(process.env.TOTP_KEY), 'rewritten under the new key');
      await assert.rejects(old.status('rotated-user'), (e) => e instanceof serverKit.TotpkitError && e.code === 'WrongEncryptionKey');
    } finally {
      await oldStore.close();
    }
    checked.push('key rotation');
  } else if (block.code.includes('sqliteStore(') && !exports.twoFactor) {
    // The SQLite store: the file is made in the working directory (the temp folder), and a second
    // store on the same file sees what the first wrote (single use included).
    assert.ok(existsSync(join(dir, 'totp.db')), 'totp.db is made in the working directory');
    assert.ok(!existsSync(join(root, 'totp.db')), 'and not in the repository');
    const { code } = await enroll(totp, 'sqlite-user');
    const otherStore = sqliteStore({ path: join(dir, 'totp.db') });
    try {
      const other = serverKit.createTotpServer({ issuer: 'ACME Co', store: otherStore, encryptionKey: process.env.TOTP_KEY });
      assert.equal((await other.status('sqlite-user')).enrolled, true);
      assert.deepEqual(await other.verify('sqlite-user', code), { ok: false, reason: 'replayed' });
    } finally {
      await otherStore.close();
    }
    checked.push('sqlite store');
  }
  if (typeof exports.twoFactor === 'function') {
    checked.push(await checkExpress(exports.twoFactor));
  }
  if (nextFileOf(block) === 'app/api/2fa/[step]/route.js') {
    checked.push(await checkNextRoute(exports.POST));
  }
  for (const c of checked) serverChecked.add(c);
  return checked;
}

/** The Express router, mounted as the README says, over real HTTP. */
async function checkExpress(twoFactor) {
  const session = {};
  const app = express();
  const yourSession = (req, res, next) => {
    req.user = { id: 'express-user', email: 'bob@example.com' };
    req.session = session;
    next();
  };
  app.use('/api/2fa', yourSession, twoFactor);
  const listening = app.listen(0, '127.0.0.1');
  await new Promise((r) => listening.once('listening', r));
  const base = `http://127.0.0.1:${listening.address().port}/api/2fa`;
  const post = async (path, body) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return [res.status, await res.json()];
  };
  try {
    const [status, begun] = await post('/enroll', {});
    assert.equal(status, 200);
    assert.equal(begun.resumed, false);
    assert.equal(totpkit.parseOtpauthUri(begun.uri).account, 'bob@example.com');
    const [, resumed] = await post('/enroll', {});
    assert.equal(resumed.resumed, true, 'a reload resumes the same enrollment');
    assert.equal(resumed.secret, begun.secret);
    assert.deepEqual(await post('/confirm', { code: wrongCode(begun.secret) }), [400, { ok: false, reason: 'invalid', attemptsLeft: 99 }]);
    const code = totpkit.totpCode(begun.secret, Date.now());
    const [confirmStatus, confirmed] = await post('/confirm', { code });
    assert.equal(confirmStatus, 200);
    assert.equal(confirmed.recoveryCodes.length, 10);
    assert.deepEqual(await post('/verify', { code }), [400, { ok: false, reason: 'replayed' }]);
    assert.equal(session.twoFactorDone, undefined, 'a refusal does not complete the sign-in');
    const [verifyStatus, verified] = await post('/verify', { code: nextCode(begun.secret) });
    assert.equal(verifyStatus, 200);
    assert.equal(verified.ok, true);
    assert.equal(session.twoFactorDone, true, 'a code completes the sign-in');
    delete session.twoFactorDone;
    assert.deepEqual(await post('/recover', { code: confirmed.recoveryCodes[0] }), [200, { ok: true, recoveryCodesLeft: 9 }]);
    assert.equal(session.twoFactorDone, true, 'so does a recovery code');
    // A body that is not sent as JSON is no code (a refusal, not a crash).
    const plain = await fetch(base + '/verify', { method: 'POST', body: JSON.stringify({ code: '123456' }) });
    assert.equal(plain.status, 400);
    assert.equal((await plain.json()).reason, 'malformed');
    const time = await fetch(base + '/time');
    assert.equal(time.headers.get('cache-control'), 'no-store');
    assert.ok(Math.abs((await time.json()).now - Date.now()) < 5_000);
  } finally {
    await new Promise((r) => listening.close(r));
  }
  return 'express';
}

/** The Next.js route handler, called as Next calls it: begin, a wrong code, confirm, replay, the next code. */
async function checkNextRoute(POST) {
  const call = async (step, body) => {
    const request = new Request(`http://app.example/api/2fa/${step}`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '198.51.100.7' },
      body: JSON.stringify(body),
    });
    const res = await POST(request, { params: Promise.resolve({ step }) });
    return [res.status, await res.json()];
  };
  try {
    const [status, begun] = await call('begin', {});
    assert.equal(status, 200);
    assert.equal(totpkit.parseOtpauthUri(begun.uri).issuer, 'ACME Co');
    assert.deepEqual(await call('confirm', { code: wrongCode(begun.secret) }), [401, { ok: false, reason: 'invalid', attemptsLeft: 99 }]);
    const code = totpkit.totpCode(begun.secret, Date.now());
    const [confirmStatus, confirmed] = await call('confirm', { code });
    assert.equal(confirmStatus, 200);
    assert.equal(confirmed.recoveryCodes.length, 10);
    assert.deepEqual(await call('verify', { code }), [401, { ok: false, reason: 'replayed' }]);
    const [verifyStatus, verified] = await call('verify', { code: nextCode(begun.secret) });
    assert.equal(verifyStatus, 200);
    assert.equal(verified.ok, true);
    assert.equal((await call('nope', {}))[0], 404);
  } finally {
    delete globalThis.totp; // the route keeps its server there
  }
  return 'next 2fa route';
}

for (const [name, blocks] of [['npm/README.md', npmBlocks], ['README.md', mainBlocks]]) {
  for (const block of blocks.filter((b) => b.lang === 'js' && !importsByPath(b))) {
    test(`${where(block)}: the ${name} block runs in Node and does what it says`, async () => {
      const checked = await check(block, await run(block));
      assert.ok(checked.length > 0, `${where(block)}: nothing checked what this block does`);
    });
  }
}

test('the READMEs have the blocks this test expects', () => {
  const js = npmBlocks.filter((b) => b.lang === 'js');
  assert.ok(js.length >= 14, `npm/README.md has ${js.length} js blocks`);
  // The React recipe and the Next.js two-factor page.
  assert.equal(npmBlocks.filter((b) => b.lang === 'jsx').length, 2);
  // The server section: the contract, SQLite, a store of one's own, rotation, Express, Next.js.
  assert.equal(js.filter(isServerOnly).length, 6, 'the server blocks');
  assert.ok(keyBlock, 'the key command (```sh, node -e)');
  // The plain-HTML recipe, and the elements' markup.
  assert.equal(npmBlocks.filter((b) => b.lang === 'html').length, 2);
  assert.equal(npmBlocks.filter((b) => b.lang === 'js' && importsElements(b)).length, 1, 'the elements example');
  assert.ok(mainBlocks.filter((b) => b.lang === 'js').length >= 2, 'README.md "Using it in a page"');
  // Every block is of a kind something runs (or, for sh, installs).
  for (const b of npmBlocks) assert.ok(['js', 'jsx', 'html', 'sh'].includes(b.lang), `${where(b)}: ${b.lang}`);
});

test('the Next.js recipes are the files of tests/consumers/next, verbatim (built and run by next.spec)', () => {
  const jsx = npmBlocks.filter((b) => b.lang === 'jsx');
  const react = jsx.find((b) => !b.code.includes("'totpkit/elements'"));
  const twoFactorPage = jsx.find((b) => b.code.includes("'totpkit/elements'"));
  assert.equal(react.code, nextFile('app/page.js'));
  const route = npmBlocks.find((b) => b.code.startsWith('// app/api/verify/route.js\n'));
  assert.equal(route.code, nextFile('app/api/verify/route.js'));
  const lib = npmBlocks.find((b) => b.code.includes('export function acceptCode('));
  assert.equal(lib.code, nextFile('lib/accept-code.js'));
  // The server section's two-factor sign-in: the route handler and the page.
  const twoFactorRoute = npmBlocks.find((b) => b.code.includes("from 'totpkit/server'") && b.code.includes('export async function POST('));
  assert.equal(twoFactorRoute?.code, nextFile('app/api/2fa/[step]/route.js'));
  assert.equal(twoFactorPage.code, nextFile('app/two-factor/page.js'));
});

/** The text of the npm README's section whose heading is `## N. <title>…`, up to the next one. */
function section(title) {
  const readme = readFileSync(READMES.npm, 'utf8');
  const start = readme.search(new RegExp(`^## \\d+\\. ${title}`, 'm'));
  assert.ok(start >= 0, `a section "${title}"`);
  const end = readme.slice(start + 1).search(/^## /m);
  return end < 0 ? readme.slice(start) : readme.slice(start, start + 1 + end);
}

/** The backquoted names in the first column of the table whose header row starts `header`. */
function tableNames(text, header) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(header));
  assert.ok(at >= 0, `a table headed ${header}`);
  const rows = [];
  for (let i = at + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|')[1]);
  return rows.flatMap((cell) => [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1])).sort();
}

test('the error table lists exactly the codes of TotpkitErrorCode in totpkit.d.ts', () => {
  const dts = readFileSync(join(pkgDir, 'totpkit.d.ts'), 'utf8');
  const union = dts.match(/export type TotpkitErrorCode =([^;]*);/)[1];
  const codes = [...union.matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(tableNames(section('Errors'), '| Code |'), codes);
  assert.ok(readFileSync(READMES.npm, 'utf8').includes("script-src 'self' 'wasm-unsafe-eval'"), 'the CSP line');
});

test("the Server section's tables list exactly the kit's calls, refusal reasons and error codes", () => {
  const text = section('Server');
  const dts = readFileSync(join(pkgDir, 'server.d.ts'), 'utf8');
  const api = dts.match(/export interface TotpServer \{([\s\S]*?)\n\}/)[1];
  const methods = [...api.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).sort();
  assert.ok(methods.length >= 8);
  const calls = text.split('\n').filter((l) => /^\| `\w+[(`]/.test(l)).map((l) => l.match(/^\| `(\w+)/)[1]);
  assert.deepEqual(calls.filter((c) => methods.includes(c)).sort(), methods, 'every TotpServer method has a row');
  const reasons = [...dts.match(/export type RefusalReason =([^;]*);/)[1].matchAll(/'(\w+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(tableNames(text, '| `reason` |'), reasons);
  assert.deepEqual(tableNames(text, '| `code` |'), [...serverKit.ERROR_CODES].sort());
});

test("the README's key command makes a key the kit takes (32 bytes, base64)", () => {
  for (const key of [process.env.TOTP_KEY, process.env.TOTP_KEY_OLD]) {
    assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(key, 'base64').length, 32);
  }
  assert.notEqual(process.env.TOTP_KEY, process.env.TOTP_KEY_OLD);
});

test('every kind of server block was run and checked', () => {
  assert.deepEqual([...serverChecked].sort(), ['express', 'key rotation', 'next 2fa route', 'own store', 'server contract', 'sqlite store']);
});

// The Node recipe says Deno and Bun too: run its block there (the npm binaries). A missing
// runtime fails the test (npm ci installs both): a skip would pass without proving anything.
for (const [runtime, args] of [['deno', ['run', '--quiet', '--allow-read']], ['bun', ['run']]]) {
  const bin = join(root, 'node_modules', '.bin', runtime);
  test(`the Node recipe's block runs in ${runtime}`, () => {
    assert.ok(existsSync(bin), `${runtime} is not installed (npm ci installs it)`);
    const block = npmBlocks.find((b) => b.lang === 'js' && /^console\.log\(totpCode/m.test(b.code));
    const file = join(dir, `recipe-${runtime}.mjs`);
    writeFileSync(file, block.code);
    const out = execFileSync(bin, [...args, file], { cwd: dir, encoding: 'utf8', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });
    assert.deepEqual(out.trim().split('\n'), promisedOutput(block));
  });
}
