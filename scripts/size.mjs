// The size check: the bytes a browser downloads for totpkit (the .wasm plus the JS glue and its
// snippet), gzip -9 and brotli, against a budget. Not timed: it measures files. Fails (exit 1)
// when the gzip total exceeds the budget. Run after scripts/build-pkg.sh: node scripts/size.mjs
//
// Issue 7 asked for 12 KB gzip with every feature. The floor reached so far is 45 KB (see README,
// "Size" for where the bytes go); BUDGET holds that floor with a little room, so a regression
// fails the test command while the work towards 12 KB goes on.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_GZIP = 48 * 1024;
const GOAL_GZIP = 12 * 1024;

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', 'pkg');
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
const files = [join(pkg, 'totpkit_bg.wasm'), join(pkg, 'totpkit.js'), ...walk(join(pkg, 'snippets'))];

const rows = files.map((f) => {
  const bytes = readFileSync(f);
  return {
    file: relative(pkg, f),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
for (const r of [...rows, { file: 'total', ...total }]) {
  console.log(`${r.file.padEnd(52)} ${String(r.raw).padStart(7)} B raw ${String(r.gzip).padStart(7)} B gzip -9 ${String(r.brotli).padStart(7)} B brotli`);
}
console.log(`budget ${BUDGET_GZIP} B gzip (goal ${GOAL_GZIP} B): ${total.gzip <= BUDGET_GZIP ? 'within' : 'OVER'}`);
if (total.gzip > BUDGET_GZIP) process.exit(1);
