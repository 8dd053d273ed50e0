// The server half never reaches a page (issue 22: "a browser page's bundle must not grow"). A
// page written the README's way, and one that imports every browser entry of the package, is
// bundled by esbuild for the browser from the built package (pkg/, resolved as `totpkit` with the
// package's own `exports`, as Vite or webpack resolve it): no module of totpkit/server, its glue
// or its .wasm may be among the bundle's inputs or named in its output, and the only .wasm a page
// can fetch is the browser one. The bytes themselves are scripts/size.mjs's budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const SERVER_FILE = /(^|\/)server[-_.]/;

function bundlePage(source) {
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-isolation-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(pkg, join(dir, 'node_modules', 'totpkit'), 'dir');
    writeFileSync(join(dir, 'page.mjs'), source);
    const out = buildSync({
      entryPoints: [join(dir, 'page.mjs')],
      absWorkingDir: dir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      metafile: true,
      outdir: join(dir, 'out'),
      loader: { '.wasm': 'file' },
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    const text = out.outputFiles.map((f) => f.text).join('\n');
    return { inputs, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const browserEntries = Object.entries(manifest.exports)
  .filter(([name]) => !name.startsWith('./server'))
  .map(([name]) => `totpkit${name.slice(1)}`)
  .filter((name) => !name.includes('*') && !name.endsWith('.json'));

test('the package has a server entry to keep out (the check can fail)', () => {
  assert.ok(manifest.exports['./server'], 'pkg/package.json exports ./server');
  const server = bundlePage(`import { createTotpServer } from 'totpkit/server'; console.log(createTotpServer);`);
  assert.ok(server.inputs.some((i) => SERVER_FILE.test(i)), 'a page importing totpkit/server does bundle it: the pattern finds it');
});

for (const [name, source] of [
  ['the README page (init, enrollment, the elements)', `import init, { enrollment } from 'totpkit';\nimport 'totpkit/elements';\nawait init();\nconsole.log(enrollment({ account: 'a', issuer: 'B' }).svg);`],
  ['every browser entry', browserEntries.map((e, i) => `import * as m${i} from '${e}';\nconsole.log(m${i});`).join('\n')],
]) {
  test(`a page bundle holds nothing of totpkit/server: ${name}`, () => {
    const { inputs, text } = bundlePage(source);
    assert.ok(inputs.some((i) => i.includes('totpkit.js')), `the bundle has the browser front (${inputs.join(', ')})`);
    assert.deepEqual(inputs.filter((i) => SERVER_FILE.test(i)), []);
    assert.doesNotMatch(text, /server_bg\.wasm|server-glue|createTotpServer/);
    const wasms = [...text.matchAll(/([\w.-]+)\.wasm/g)].map((m) => m[1].replace(/-[A-Z0-9]{8}$/, ''));
    // The browser's three modules (the whole one, the codes module init() loads for most pages, the
    // QR module <totp-enrollment> loads), no other.
    assert.deepEqual([...new Set(wasms)].sort(), ['totpkit_bg', 'totpkit_codes_bg', 'totpkit_qr_bg']);
  });
}
