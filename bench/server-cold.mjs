// Cold start of totpkit/server: a fresh Node process from `import` to its first verification, as
// a serverless function's first request pays it. Each phase is timed in the process, from a file
// entry (Node's module loader is up before the first line): import (the wasm compiled from the
// inline base64), createTotpServer (keys in, the issuer checked: the wasm's first call),
// beginEnrollment, confirmEnrollment and verify, each the first of its kind, on the memory store.
// Medians over fresh processes, beside the same process importing an empty module.
//
//   node bench/server-cold.mjs [--rounds 15]    (TOTPKIT_PKG=dir: another build)
//
// Not a test: nothing here passes or fails; the README quotes its figures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = process.env.TOTPKIT_PKG ?? join(root, 'pkg');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
// otpauth's ESM build hashes with @noble/hashes: it never loads node:crypto, so the process's
// first use of any crypto is the kit's (on Node, it has none: its random bytes come from /dev/urandom).
const otpauth = join(root, 'node_modules', 'otpauth', 'dist', 'otpauth.esm.js');

const scratch = mkdtempSync(join(tmpdir(), 'totpkit-server-cold-'));
const entry = join(scratch, 'entry.mjs');
const floor = join(scratch, 'floor.mjs');
const empty = join(scratch, 'empty.mjs');
writeFileSync(empty, 'export default 1;\n');
writeFileSync(floor, `const t = performance.now(); await import(${JSON.stringify(empty)}); console.log(JSON.stringify({ import: performance.now() - t }));\n`);
// The codes come from otpauth, imported before the clock starts.
writeFileSync(
  entry,
  `import * as OTPAuth from ${JSON.stringify(otpauth)};
const at = { t: performance.now() };
const lap = (name) => { const now = performance.now(); at[name] = now - at.t; at.t = now; };
const { createTotpServer, memoryStore } = await import(${JSON.stringify(join(pkg, 'server-node.js'))});
lap('import');
let now = 1_700_000_025_000;
const kit = createTotpServer({ issuer: 'ACME Co', store: memoryStore(), encryptionKey: new Uint8Array(32).fill(7), now: () => now });
lap('createTotpServer');
const { secret } = await kit.beginEnrollment('alice', { account: 'alice@example.com' });
lap('beginEnrollment');
const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
const code = app.generate({ timestamp: now });
at.t = performance.now();
if (!(await kit.confirmEnrollment('alice', code)).ok) throw new Error('not confirmed');
lap('confirmEnrollment');
now += 30_000;
const next = app.generate({ timestamp: now });
at.t = performance.now();
if (!(await kit.verify('alice', next)).ok) throw new Error('not verified');
lap('verify');
delete at.t;
console.log(JSON.stringify(at));
`,
);

const runs = { kit: [], floor: [] };
for (let r = 0; r < Number(values.rounds); r++) {
  runs.kit.push(JSON.parse(execFileSync('node', [entry], { encoding: 'utf8' })));
  runs.floor.push(JSON.parse(execFileSync('node', [floor], { encoding: 'utf8' })));
}
rmSync(scratch, { recursive: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (ms) => `${ms.toFixed(2)} ms`;
console.log(`\ntotpkit/server cold start, fresh Node ${process.versions.node} processes from a file entry, medians of ${values.rounds}\n`);
console.log('| phase | median |');
console.log('|---|---|');
for (const phase of Object.keys(runs.kit[0])) console.log(`| ${phase} | ${fmt(median(runs.kit.map((r) => r[phase])))} |`);
const totals = runs.kit.map((r) => Object.values(r).reduce((a, b) => a + b, 0));
console.log(`| **import to the first verification** | **${fmt(median(totals))}** |`);
console.log(`| floor: an empty module imported the same way | ${fmt(median(runs.floor.map((r) => r.import)))} |`);
