// The READMEs cannot rot: every ```js block of npm/README.md and README.md runs here in Node
// against the built package (pkg/), as a file that imports 'totpkit' the way a user's does.
// Blocks that touch the page get a small stand-in: a fake `document` (whose elements also take
// attributes, listeners and the custom elements' acceptCode/rejectCode), and `location` + `fetch`
// pointing at a local HTTP server that answers /api/time like the README's endpoint and
// /api/2fa/confirm like the elements example's. What a block shows is checked, not only that it
// ran. The ```js block of the Node recipe also runs in
// Deno and Bun when their npm binaries are installed. (Chromium runs the browser blocks in
// tests/e2e/readme.spec.mjs; which block runs where: ./readme-blocks.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  root, READMES, codeBlocks, where, importsByPath, importsElements, promisedOutput, PHONE_BEHIND_MS, DRIFT_MESSAGE,
  ATTEMPTS_LEFT, confirmAnswer,
} from './readme-blocks.mjs';

const pkgDir = join(root, 'pkg');
const nextApp = join(root, 'tests', 'consumers', 'next');
const npmBlocks = codeBlocks(READMES.npm);
const mainBlocks = codeBlocks(READMES.main);
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

// A folder where `import 'totpkit'` finds pkg/ as an installed package.
const dir = mkdtempSync(join(tmpdir(), 'totpkit-readme-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(pkgDir, join(dir, 'node_modules', 'totpkit'), 'dir');
writeFileSync(join(dir, 'package.json'), '{ "type": "module", "dependencies": { "totpkit": "*" } }\n');
mkdirSync(join(dir, 'lib'));
for (const f of ['accept-code.js', 'users.js']) writeFileSync(join(dir, 'lib', f), readFileSync(join(nextApp, 'lib', f)));
const totpkit = await import(pathToFileURL(join(dir, 'node_modules', 'totpkit', 'node.js')));

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
  console.log = (...args) => logged.push(args.join(' '));
  // A block that names its file in a first-line comment ("// app/api/verify/route.js") is
  // written there, beside the Next app's lib/ (the README's acceptCode and a stand-in database).
  const named = block.code.match(/^\/\/ ([\w/.-]+\.js)\n/)?.[1];
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

/** What each kind of block must have done, recognized by what it calls. */
async function check(block, r) {
  const { exports, logged, elements, intervals, givens, page } = r;
  assert.deepEqual(logged, promisedOutput(block), 'what the block logs is what its `// →` comments say');
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
  if (typeof exports.POST === 'function') {
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
  if (logged.length) checked.push('logged output');
  return checked;
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
  assert.ok(js.length >= 8, `npm/README.md has ${js.length} js blocks`);
  assert.equal(npmBlocks.filter((b) => b.lang === 'jsx').length, 1);
  // The plain-HTML recipe, and the elements' markup.
  assert.equal(npmBlocks.filter((b) => b.lang === 'html').length, 2);
  assert.equal(npmBlocks.filter((b) => b.lang === 'js' && importsElements(b)).length, 1, 'the elements example');
  assert.ok(mainBlocks.filter((b) => b.lang === 'js').length >= 2, 'README.md "Using it in a page"');
  // Every block is of a kind something runs (or, for sh, installs).
  for (const b of npmBlocks) assert.ok(['js', 'jsx', 'html', 'sh'].includes(b.lang), `${where(b)}: ${b.lang}`);
});

test('the Next.js recipes are the files of tests/consumers/next, verbatim (built and run by next.spec)', () => {
  const file = (p) => readFileSync(join(nextApp, p), 'utf8');
  const jsx = npmBlocks.find((b) => b.lang === 'jsx');
  assert.equal(jsx.code, file('app/page.js'));
  const route = npmBlocks.find((b) => b.code.startsWith('// app/api/verify/route.js\n'));
  assert.equal(route.code, file('app/api/verify/route.js'));
  const lib = npmBlocks.find((b) => b.code.includes('export function acceptCode('));
  assert.equal(lib.code, file('lib/accept-code.js'));
});

test('the error table lists exactly the codes of TotpkitErrorCode in totpkit.d.ts', () => {
  const dts = readFileSync(join(pkgDir, 'totpkit.d.ts'), 'utf8');
  const union = dts.match(/export type TotpkitErrorCode =([^;]*);/)[1];
  const codes = [...union.matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
  const readme = readFileSync(READMES.npm, 'utf8');
  const table = [...readme.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(table, codes);
  assert.ok(readme.includes("script-src 'self' 'wasm-unsafe-eval'"), 'the CSP line');
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
