// The size check: what a page ships for totpkit, measured the way a bundler ships it, side by
// side with the anchors in the same run. Not timed: it measures bytes.
//
// For each contender an app entry that does an enrollment screen's job (secret, otpauth URI,
// QR as SVG, current code, verification; for totpkit also the clock check) is bundled by esbuild
// (minified, ESM, browser), as Vite's production build would, and gzipped at -9; totpkit adds the
// .wasm its bundle loads. Prints a breakdown and fails (exit 1) when totpkit is above BUDGET.
// Run after scripts/build-pkg.sh: node scripts/size.mjs [--json]
import { readFileSync, writeFileSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join, dirname, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';

// The enrollment app's must (issue 23): below otpauth + qrcode, measured in the same run; met
// since the codes module (init() loads it unless the page imports a function of whole.js) and the
// browser front's QR in JS (18.9 KB against 19.2 KB; README, "Size"). Above it, the run fails.
// Issue 11's target (and issue 23's goal, otpauth + uqr, printed below) are reported, not failed.
const TARGET_GZIP = 14 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
const work = mkdtempSync(join(tmpdir(), 'totpkit-size-'));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const br = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const ENTRIES = {
  totpkit: `import init, { enrollment, totpCode, verifyTotp, checkClock } from ${JSON.stringify(join(pkg, 'totpkit.js'))};
await init();
const e = enrollment({ account: 'alice@example.com', issuer: 'ACME Co' });
document.body.innerHTML = e.svg + e.manualKey + totpCode(e.secret, Date.now());
console.log(verifyTotp(e.secret, '123456', Date.now()), await checkClock('/api/time'));`,
  otpauth: `import * as OTPAuth from 'otpauth';
const totp = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: new OTPAuth.Secret() });
document.body.textContent = totp.toString() + totp.generate() + totp.validate({ token: '123456', window: 1 });`,
  qrcode: `import QRCode from 'qrcode';
QRCode.toString('otpauth://totp/x', { type: 'svg' }).then((s) => { document.body.innerHTML = s; });`,
  'otpauth + qrcode': `import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
const totp = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: new OTPAuth.Secret() });
QRCode.toString(totp.toString(), { type: 'svg' }).then((s) => { document.body.innerHTML = s + totp.secret.base32 + totp.generate() + totp.validate({ token: '123456', window: 1 }); });`,
  'otplib + qrcode': `import { generateSecret, generateSync, verifySync, generateURI } from 'otplib';
import QRCode from 'qrcode';
const secret = generateSecret();
QRCode.toString(generateURI({ issuer: 'ACME Co', label: 'alice@example.com', secret }), { type: 'svg' }).then((s) => { document.body.innerHTML = s + generateSync({ secret }) + verifySync({ secret, token: '123456' }).valid; });`,
};

function bundle(name, source) {
  const entry = join(work, `${name.replace(/\W+/g, '_')}.mjs`);
  writeFileSync(entry, source);
  const out = buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'silent',
    // The .wasm is fetched at run time (new URL(..., import.meta.url)); it is counted separately.
    loader: { '.wasm': 'file' },
    outdir: work,
  });
  return out.outputFiles.find((f) => f.path.endsWith('.js')).contents;
}

/**
 * What a page fetches, bundled with code splitting (as Vite and Rollup ship dynamic imports):
 * [{ what, bytes }] for the entry chunk, its static imports, the chunks of the dynamic imports
 * the page triggers (`triggers`: the package's files whose dynamic import the page makes, e.g.
 * 'glue.js' for init(), 'qr-glue.js' for <totp-enrollment>'s QR module), and every .wasm a
 * fetched chunk names (each glue fetches its own through new URL('<name>.wasm', import.meta.url),
 * which bundlers copy). Each file is gzipped on its own, as it is served.
 */
function loaded(name, source, triggers = []) {
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-size-page-'));
  try {
    const entry = join(dir, `${name.replace(/\W+/g, '_')}.mjs`);
    writeFileSync(entry, source);
    const out = buildSync({
      entryPoints: [entry], bundle: true, splitting: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
      write: false, logLevel: 'silent', loader: { '.wasm': 'file' }, outdir: dir, nodePaths: [join(root, 'node_modules')], metafile: true,
    });
    const outputs = out.metafile.outputs;
    // A dynamic import's chunk is named by the module imported (its entryPoint), or holds it.
    const triggered = (path) => [outputs[path]?.entryPoint ?? '', ...Object.keys(outputs[path]?.inputs ?? {})].some((i) => triggers.some((t) => i.endsWith(`/${t}`)));
    // Walk from the entry: static imports always, dynamic ones when the page triggers them.
    const seen = new Set();
    const walk = (path) => {
      if (seen.has(path) || !outputs[path]) return;
      seen.add(path);
      for (const i of outputs[path].imports) if (i.kind !== 'dynamic-import' || triggered(i.path)) walk(i.path);
    };
    const key = (f) => relative(process.cwd(), f.path);
    const files = out.outputFiles.filter((f) => /\.m?js$/.test(f.path));
    walk(key(files.find((f) => outputs[key(f)].entryPoint)));
    const fetched = files.filter((f) => seen.has(key(f))).map((f) => ({ what: f.path.slice(dir.length + 1), bytes: f.contents, from: Object.keys(outputs[key(f)].inputs) }));
    // A fetched chunk with a wasm-bindgen glue in it (glue.js, qr-glue.js) fetches the .wasm it names.
    const glues = fetched.filter((f) => f.from.some((i) => i.endsWith('glue.js'))).map((f) => new TextDecoder().decode(f.bytes));
    for (const w of readdirSync(pkg).filter((f) => f.endsWith('.wasm'))) {
      if (glues.some((text) => text.includes(`"${w}"`))) fetched.push({ what: w, bytes: readFileSync(join(pkg, w)) });
    }
    return fetched;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (const [name, source] of Object.entries(ENTRIES)) {
  let parts;
  try {
    // totpkit's app calls init(): it imports no function of whole.js, so init() loads the codes
    // module (its glue chunk and .wasm; tests/node/codes-module.test.mjs and the webpack consumer,
    // tests/e2e/runtimes.spec.mjs, check that a bundled page does so).
    parts = name === 'totpkit'
      ? loaded(name, source, ['codes-glue.js']).map((f) => [f.what.endsWith('.wasm') ? f.what : `JS: ${f.what.replace(/-[A-Z0-9]{8}\.js$/, '.js')}`, f.bytes])
      : [['JS (minified)', bundle(name, source)]];
  } catch (e) {
    console.log(`${name}: not measured (${e.message.split('\n')[0]})`);
    continue;
  }
  rows.push({ name, parts: parts.map(([what, b]) => ({ what, raw: b.length, gzip: gz(b), brotli: br(b) })) });
}
rmSync(work, { recursive: true, force: true });

const total = (r) => r.parts.reduce((t, p) => ({ raw: t.raw + p.raw, gzip: t.gzip + p.gzip, brotli: t.brotli + p.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('| contender | part | raw | gzip -9 | brotli |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  for (const p of r.parts) if (r.parts.length > 1) console.log(`| ${r.name} | ${p.what} | ${p.raw} B | ${p.gzip} B | ${p.brotli} B |`);
  const t = total(r);
  console.log(`| **${r.name}** | total | ${t.raw} B | **${t.gzip} B (${kb(t.gzip)})** | ${t.brotli} B |`);
}
const mine = total(rows.find((r) => r.name === 'totpkit')).gzip;
const anchor = rows.find((r) => r.name === 'otpauth + qrcode');
const versus = anchor ? total(anchor).gzip : Infinity;
console.log(
  `\ntotpkit ${mine} B gzip; otpauth + qrcode ${versus} B (ratio ${(versus / mine).toFixed(2)}×): ` +
    `below otpauth + qrcode ${mine < versus ? 'met' : 'MISSED'}; target ${TARGET_GZIP} B ${mine <= TARGET_GZIP ? 'met' : 'MISSED'}; ` +
    'the must fails the run when missed',
);
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
if (!(mine < versus)) process.exitCode = 1;

// totpkit/elements (issue 13): what the custom elements add to a page, measured as the same
// bundle with and without `import 'totpkit/elements'`. The page without them does the same job
// by hand with the same API (the functions the elements call), so the difference is the
// elements' own code, CSS and sentences. Also printed: the difference over a bare page that uses
// only parseOtpauthUri (there the elements also bring the API functions they call). A page that
// does not import them pays nothing: the row checks that the plain bundle has none of their
// code. Fails above ELEMENTS_BUDGET: the figure before they spoke other languages (issue 24) plus
// the 200 B an English page may grow for that; and when the elements of then (the commit below,
// through git) grow an English page by more than 200 B in this same run, with today's front.
const ELEMENTS_BEFORE_I18N = 5083;
// Issue 22 item 2: rejectCode() words a server kit's refusals (replayed, resync, locked, expired,
// a wait in ms): 237 B gzip measured when they came, allowed here by name, not by a wider margin.
const REFUSALS = 240;
const ELEMENTS_BUDGET = ELEMENTS_BEFORE_I18N + 200 + REFUSALS;
const BEFORE_I18N_COMMIT = 'b099e8f';
// Each language module (totpkit/elements/locales/<tag>) at most 1.5 KB gzip, issue 24's bar, until
// issue 23 moved the English advice (the fix steps per system, the clock banner's sentences) into
// a module of its own that a page fetches only when something is wrong: a language's own steps
// then compress against less English, and the longest three (ar, ja, ru; their bytes unchanged)
// measure 1 541–1 558 B. 1 600 B since, said here rather than lowered quietly: it buys ~590 B
// off the login page, which every sign-in loads.
const LOCALE_BUDGET = 1600;
{
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-size-elements-'));
  const front = JSON.stringify(join(pkg, 'totpkit.js'));
  // One file per page. The modules the elements import on demand stay out of it: the wasm front
  // (front.js and its glue; qr-load.js, the QR module's loader), which the pages by hand import too, and the elements' advice
  // (elements/advice.js, the fix steps and sentences shown when something is wrong), counted on
  // its own below (`advice`): the files a browser would fetch. (Bundled into one file, a module
  // imported on demand is wrapped for lazy evaluation, which is not what a page ships.)
  const build = (name, source, charset, external = ['*/front.js', '*/qr-load.js', '*/advice.js']) => {
    writeFileSync(join(dir, `${name}.mjs`), source);
    const files = buildSync({
      entryPoints: [join(dir, `${name}.mjs`)], bundle: true, minify: true, format: 'esm', platform: 'browser', external,
      target: 'es2022', write: false, logLevel: 'silent', loader: { '.wasm': 'file' }, outdir: dir, charset,
    }).outputFiles.filter((f) => f.path.endsWith('.js'));
    const sum = (f) => files.reduce((t, file) => t + f(file.contents), 0);
    return { raw: sum((b) => b.length), gzip: sum(gz), brotli: sum(br), text: files.map((f) => f.text).join('\n') };
  };
  const used = 'parseOtpauthUri, formatSecret, renderQrSvg, codePreview, diagnoseCode, checkClock, normalizeCode';
  const byHand = `import init, { ${used} } from ${front};\nawait init();\nconsole.log(${used});\n`;
  const bare = `import init, { parseOtpauthUri } from ${front};\nawait init();\nconsole.log(parseOtpauthUri(location.hash.slice(1)));\n`;
  const withElements = (src) => `import ${JSON.stringify(join(pkg, 'elements.js'))};\n${src}`;
  const [hand, handEl, plain, plainEl] = [byHand, withElements(byHand), bare, withElements(bare)].map((src, i) => build(`e${i}`, src));
  const advice = build('advice', `export * from ${JSON.stringify(join(pkg, 'elements', 'advice.js'))};\n`, undefined, []);
  // What every page with the elements loads; the advice comes on top only when something is wrong.
  const added = handEl.gzip - hand.gzip;
  const leaked = [hand, plain].some((b) => b.text.includes('totp-enrollment'));
  console.log(`\ntotpkit/elements adds ${handEl.raw - hand.raw} B minified, ${added} B gzip -9, ${handEl.brotli - hand.brotli} B brotli over a page using the same API by hand (budget ${ELEMENTS_BUDGET} B gzip: ${added <= ELEMENTS_BUDGET ? 'within' : 'OVER'}), and ${advice.gzip} B gzip more (elements/advice.js) when something is wrong (a clock off, a code diagnosed); ${plainEl.gzip - plain.gzip} B gzip over a bare page; a page without it: ${leaked ? 'PAYS for it' : 'pays nothing'}`);
  let before = null;
  try {
    const old = execFileSync('git', ['show', `${BEFORE_I18N_COMMIT}:npm/elements.js`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(join(dir, 'elements-before.js'), old.replace("from './totpkit.js'", `from ${front}`));
    before = build('e-before', `import ${JSON.stringify(join(dir, 'elements-before.js'))};\n${byHand}`).gzip - hand.gzip;
  } catch {
    // No git history here (an exported tree): the figure measured then stands in.
  }
  const grew = added - (before ?? ELEMENTS_BEFORE_I18N) - REFUSALS;
  console.log(`an English page grew by ${grew} B gzip for the languages (issue 24: at most 200 B; the elements before them add ${before ?? ELEMENTS_BEFORE_I18N} B ${before === null ? 'as measured then' : 'in this run'}, and the refusals' sentences ${REFUSALS} B are counted apart)`);
  if (added > ELEMENTS_BUDGET || grew > 200 || leaked) process.exitCode = 1;

  // The languages: each module's own bytes on a page that uses the elements, as a bundler that
  // keeps UTF-8 (Vite, webpack's terser) ships it: the page with `import '…/locales/<tag>.js'`
  // less the same page with the registration code the first language brings (locale() and the
  // lang watcher, printed once: bundlers drop it from English-only pages). esbuild's default
  // (non-ASCII escaped as \uXXXX) is printed beside it.
  const elementsPath = JSON.stringify(join(pkg, 'elements.js'));
  const page = `import ${elementsPath};\n`;
  const registering = `import { locale } from ${elementsPath};\nconsole.log(locale);\n`;
  const tags = readdirSync(join(pkg, 'locales')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
  const shared = build('r0', registering, 'utf8', ['*/front.js']).gzip - build('r1', page, 'utf8', ['*/front.js']).gzip;
  console.log(`\n| language module | gzip -9 (UTF-8 kept) | gzip -9 (ASCII escapes) | brotli |`);
  console.log('|---|---|---|---|');
  const over = [];
  for (const tag of tags) {
    const mod = `import ${JSON.stringify(join(pkg, 'locales', `${tag}.js`))};\n`;
    const [utf8, ascii] = ['utf8', 'ascii'].map((cs) => [build(`l-${tag}-${cs}`, page + mod, cs, ['*/front.js']), build(`r-${tag}-${cs}`, registering, cs, ['*/front.js'])]);
    const size = utf8[0].gzip - utf8[1].gzip;
    if (size > LOCALE_BUDGET) over.push(tag);
    console.log(`| ${tag} | ${size} B | ${ascii[0].gzip - ascii[1].gzip} B | ${utf8[0].brotli - utf8[1].brotli} B |`);
  }
  console.log(`languages: ${tags.length} modules, budget ${LOCALE_BUDGET} B gzip each: ${over.length ? `OVER (${over.join(', ')})` : 'within'}; the first one a page imports also brings ${shared} B of registration code`);
  if (over.length) process.exitCode = 1;
  rmSync(dir, { recursive: true, force: true });
}

// Issue 23, "Pay for what you use": pages as a browser loads them, bundled by esbuild with code
// splitting; every .js chunk the page fetches (the entry and its static imports, and the chunks it
// imports dynamically when the page makes it: the triggers, see loaded) and every .wasm those fetch,
// gzip -9. The login page and the <totp-enrollment> page are written as the README writes them:
// elements need no init(). The row with init() is the README of before (v2), kept to show what
// init() costs: it promises the synchronous API, so it must load the wasm whether or not the page
// calls it.
{
  const [front, elements] = [join(pkg, 'totpkit.js'), join(pkg, 'elements.js')].map((p) => JSON.stringify(p));
  const element = (name) => JSON.stringify(join(pkg, 'elements', `${name}.js`));
  const loginHtml = `document.body.innerHTML = '<totp-clock-check endpoint="/api/time"></totp-clock-check><form><totp-code-field name="code"></totp-code-field></form>';\n`;
  const enrollmentPage = `import ${element('enrollment')};\nconst { uri } = await (await fetch('/api/2fa/begin', { method: 'POST' })).json();\ndocument.body.innerHTML = '<totp-enrollment preview></totp-enrollment>';\ndocument.querySelector('totp-enrollment').setAttribute('uri', uri);\n`;
  const qrModule = ['front.js', 'qr-load.js', 'qr-glue.js'];
  // [source, the dynamic imports the page triggers (see loaded)]
  const PAGES = {
    'login page (<totp-code-field> + <totp-clock-check>)': [`import ${element('code-field')};\nimport ${element('clock-check')};\n${loginHtml}`],
    'login page, `import \'totpkit/elements\'` (all three elements)': [`import ${elements};\n${loginHtml}`],
    'login page, v2 usage (`await init()` too)': [`import init from ${front};\nimport ${elements};\nawait init();\n${loginHtml}`, ['codes-glue.js']],
    '<totp-enrollment> page': [enrollmentPage, qrModule],
    // The same page once the user opens "What should my app show?": the codes need the whole module.
    '<totp-enrollment> page, its preview opened': [enrollmentPage, [...qrModule, 'whole.js', 'glue.js', 'elements/advice.js']],
    'otpauth + uqr (anchor)': [`import * as OTPAuth from 'otpauth';\nimport { renderSVG } from 'uqr';\nconst totp = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: new OTPAuth.Secret() });\ndocument.body.innerHTML = renderSVG(totp.toString()) + totp.secret.base32 + totp.generate() + totp.validate({ token: '123456', window: 1 });\n`],
  };
  // [must, figure reached]: above the must, a regression beyond reached + 512 B fails the run;
  // once met, the must itself fails it.
  const MUSTS = {
    'login page (<totp-code-field> + <totp-clock-check>)': [6 * 1024, 6_140],
    '<totp-enrollment> page': [24 * 1024, 23_096],
  };
  console.log('\n| page (code splitting; every chunk and .wasm it fetches) | files | gzip -9 | must | |');
  console.log('|---|---|---|---|---|');
  const measured = {};
  for (const [name, page] of Object.entries(PAGES)) {
    let files;
    try {
      files = loaded(name, ...page);
    } catch (e) {
      console.log(`| ${name} | not measured (${e.message.split('\n')[0]}) | | | |`);
      continue;
    }
    const size = files.reduce((t, f) => t + gz(f.bytes), 0);
    measured[name] = size;
    const [must, reached] = MUSTS[name] ?? [];
    // A must once met (its figure reached within it) is the limit itself; one still missed allows
    // the figure reached plus 512 B, so a regression fails either way.
    const limit = reached <= must ? must : reached + 512;
    const verdict = must === undefined ? '' : size <= must ? 'met' : `MISSED (limit ${limit} B: ${size <= limit ? 'within' : 'OVER'})`;
    console.log(`| ${name} | ${files.map((f) => `${f.what} ${gz(f.bytes)} B`).join(', ')} | **${size} B (${kb(size)})** | ${must === undefined ? '' : `≤ ${must} B`} | ${verdict} |`);
    if (must !== undefined && size > limit) process.exitCode = 1;
  }
  const uqr = measured['otpauth + uqr (anchor)'];
  console.log(`enrollment app: totpkit ${mine} B against otpauth + qrcode ${versus} B (must: below: ${mine < versus ? 'met' : 'MISSED'}) and otpauth + uqr ${uqr ?? '?'} B (goal: ${uqr && mine <= uqr ? 'met' : 'missed'})`);
}
