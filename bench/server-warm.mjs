// The server kit's own time per verification, warm: the memory store, 300 users, one verification
// at a time, in one process; each pass verifies every user's current code at a clock one 30 s step
// later (every success writes its record). Given several builds, it loads each (its own wasm
// instance) and runs their passes interleaved, alternating the order, so the machine's noise falls
// on all alike: the instrument for comparing two builds of the kit.
//
//   node bench/server-warm.mjs [dir ...]    (dirs: built packages, as pkg/; default pkg/)
//   PASSES=200 (default), the first 20 of them warm-up
//
// Not a test: nothing here passes or fails; the README quotes its figures.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as OTPAuth from 'otpauth';

const dirs = process.argv.length > 2 ? process.argv.slice(2) : [new URL('../pkg/', import.meta.url).pathname];
const USERS = 300;
const PASSES = Number(process.env.PASSES ?? 200);
const WARM_UP = 20;
let clock = Date.UTC(2027, 0, 1);
const now = () => clock;

const kits = [];
for (const [i, dir] of dirs.entries()) {
  const { createTotpServer, memoryStore } = await import(pathToFileURL(resolve(dir, 'server-node.js')).href);
  const kit = createTotpServer({ issuer: 'Bench', store: memoryStore(), encryptionKey: new Uint8Array(32).fill(i + 1), now });
  const phones = [];
  for (let u = 0; u < USERS; u++) {
    const { secret } = await kit.beginEnrollment(`user-${u}`, { account: `user${u}@example.com` });
    const phone = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    await kit.confirmEnrollment(`user-${u}`, phone.generate({ timestamp: clock }));
    phones.push(phone);
  }
  kits.push({ dir, kit, phones, times: [] });
}

for (let p = 0; p < PASSES; p++) {
  clock += 30_000;
  for (const k of p % 2 ? kits : [...kits].reverse()) {
    const codes = k.phones.map((phone) => phone.generate({ timestamp: clock }));
    const t = performance.now();
    for (let u = 0; u < USERS; u++) {
      const answer = await k.kit.verify(`user-${u}`, codes[u]);
      if (!answer.ok) throw new Error(`verify refused: ${JSON.stringify(answer)}`);
    }
    if (p >= WARM_UP) k.times.push(((performance.now() - t) / USERS) * 1000);
  }
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
console.log(`\ntotpkit/server verify, memory store, ${USERS} users, ${PASSES - WARM_UP} passes each (Node ${process.versions.node})\n`);
console.log('| build | median µs per verification | p25 | p75 |');
console.log('|---|---|---|---|');
for (const k of kits) {
  console.log(`| ${k.dir} | ${quantile(k.times, 0.5).toFixed(2)} | ${quantile(k.times, 0.25).toFixed(2)} | ${quantile(k.times, 0.75).toFixed(2)} |`);
}
