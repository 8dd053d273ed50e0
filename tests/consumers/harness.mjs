// The package as a consumer gets it: `npm pack` of pkg/ (once per test process), installed into
// a fresh temp folder that holds a copy of one consumer from tests/consumers/; and the checks
// every consumer's answer must pass (the RFC 6238 vector, a QR that jsQR reads). Used by
// tests/node/runtimes.test.mjs, tests/e2e/runtimes.spec.mjs and tests/e2e/consumers.spec.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, cpSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONSUMERS = join(ROOT, 'tests', 'consumers');

/** The RFC 6238 Appendix B SHA-1 vector every consumer checks: 8 digits at T = 59 s. */
export const RFC6238 = { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', unixMs: 59_000, digits: 8, code: '94287082' };

let tarball;
const made = [];

/** A temp folder, removed by `cleanUp()`. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every temp folder this process made (the packed tarball's too). */
export function cleanUp() {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  tarball = undefined;
}

/** Packs pkg/ once per process; returns the .tgz path. */
export function packOnce() {
  if (tarball && existsSync(tarball)) return tarball;
  const out = tempDir('totpkit-pack-');
  const name = execFileSync('npm', ['pack', join(ROOT, 'pkg'), '--pack-destination', out, '--silent'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  tarball = join(out, name);
  return tarball;
}

/**
 * A fresh temp folder with a copy of tests/consumers/<name>/ and the packed tarball installed,
 * plus `extra` packages ("name@version"). A consumer with its own package.json and lockfile
 * (its tools) gets those installed too; others get a bare package.json. npm takes what its cache
 * has (--prefer-offline), so a warm machine installs in seconds. Returns the folder.
 *
 * A consumer that installs nothing but the tarball installs --offline. Even with
 * --prefer-offline, npm asks the registry again about the package's optional peers (pg,
 * better-sqlite3) though it installs neither, and a registry that did not answer held two CI
 * runs past their time limit; offline, npm needs nothing it has not got (checked with an empty
 * cache).
 */
export function installConsumer(name, { extra = [] } = {}) {
  const dir = tempDir(`totpkit-${name}-`);
  cpSync(join(CONSUMERS, name), dir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
  const own = existsSync(join(dir, 'package.json'));
  if (!own) {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `totpkit-${name}-consumer`, private: true, type: 'module' }, null, 2));
  }
  const tarballOnly = !own && extra.length === 0;
  execFileSync(
    'npm',
    ['install', tarballOnly ? '--offline' : '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', packOnce(), ...extra],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return dir;
}

/** The exact version of a root devDependency, so a consumer installs what the lockfile pins. */
export function rootDevVersion(pkg) {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies[pkg];
}

/**
 * Reads a module matrix as a camera would: rasterized (4 px per module, 4-module quiet zone) and
 * decoded by jsQR, independent of totpkit. `modules` is row-major, 1 = dark (a Uint8Array, or a
 * string of 0/1 as the consumers print it). Returns the text, or undefined.
 */
export function decodeMatrix({ size, modules }) {
  const scale = 4, quiet = 4, side = (size + 2 * quiet) * scale;
  const dark = (i) => (typeof modules === 'string' ? modules[i] === '1' : modules[i] === 1);
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - quiet, my = Math.floor(y / scale) - quiet;
      if (mx >= 0 && my >= 0 && mx < size && my < size && dark(my * size + mx)) {
        const i = (y * side + x) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, side, side)?.data;
}
