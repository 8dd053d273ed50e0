// How much slower CPU work runs right after the process has waited, on this machine: the same
// JavaScript work (five TOTP codes from the `otpauth` npm package, about 15 µs) timed back to
// back, after a ~1 ms timer (the process sleeps, as a server does while its database works), and
// after a setImmediate (no sleep). Medians of 3 000 each, then the first, second and third run
// after each sleep.
//
//   node bench/idle.mjs
//
// Why it is here: a server's latency figures (bench/server.mjs) pay the kit's work at its
// after-a-wait price, not its hot-loop price; on the 2-core KVM machine this repository is
// measured on, that price was 2-3x (README, "The server half"). Not a test.
import * as OTPAuth from 'otpauth';

const totp = new OTPAuth.TOTP({ secret: new OTPAuth.Secret() });
const work = () => {
  let n = 0;
  for (let k = 0; k < 5; k++) n += totp.generate({ timestamp: k * 30_000 }).length;
  return n;
};
const sleep = () => new Promise((resolve) => setTimeout(resolve, 0));
const immediate = () => new Promise((resolve) => setImmediate(resolve));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;
const timed = () => {
  const t = performance.now();
  work();
  return performance.now() - t;
};

for (let i = 0; i < 3_000; i++) work(); // warm-up: V8 optimizes the work first
const rows = [];
for (const [name, wait] of [['back to back', null], ['after a setImmediate', immediate], ['after a ~1 ms sleep', sleep]]) {
  const first = [];
  for (let i = 0; i < 3_000; i++) {
    if (wait) await wait();
    first.push(timed());
  }
  rows.push([name, median(first)]);
}
const runs = [[], [], []];
for (let i = 0; i < 3_000; i++) {
  await sleep();
  for (const run of runs) run.push(timed());
}
console.log(`\nThe same work (five TOTP codes), medians of 3 000 (Node ${process.versions.node})\n`);
console.log('| when | time |');
console.log('|---|---|');
for (const [name, ms] of rows) console.log(`| ${name} | ${us(ms)} |`);
runs.forEach((run, i) => console.log(`| after a ~1 ms sleep, run ${i + 1} of 3 back to back | ${us(median(run))} |`));
