// Starts the real mock server binary (mock-server/) on a free port, one per test, so tests
// never share users, sessions or rate-limit counters. The binary is, in order: $TOTPKIT_MOCK_SERVER,
// the newer of target/release and target/debug, or a fresh `cargo build -p totpkit-mock-server`.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NAME = 'totpkit-mock-server';

/**
 * The server binary (built with cargo if none exists yet; cargo prints where it put it).
 * Resolves once per worker: the fixtures call it from a worker-scoped fixture with a long timeout.
 */
export async function findServerBinary() {
  if (process.env.TOTPKIT_MOCK_SERVER) return process.env.TOTPKIT_MOCK_SERVER;
  const built = ['release', 'debug']
    .map((profile) => join(ROOT, 'target', profile, NAME))
    .filter((path) => existsSync(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (built.length) return built[0];
  const child = spawn('cargo', ['build', '-p', NAME, '--message-format=json-render-diagnostics'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { out += chunk; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`cargo build -p ${NAME} failed (${code})`);
  let binary = null;
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.target?.name === NAME && msg.executable) binary = msg.executable;
  }
  if (!binary) throw new Error(`cargo build -p ${NAME} did not report a binary`);
  return binary;
}

/**
 * Starts `binary` (the mock server, or demo-node/server.mjs: same flags, same banner) on a free port; resolves to { url, origin, email, password, stop() } once it printed its URL.
 * `clockOffsetMs` shifts the server's clock (--clock-offset-ms).
 */
export async function startServer(binary, { clockOffsetMs = 0 } = {}) {
  const args = ['--port', '0', '--www', join(ROOT, 'www'), '--pkg', join(ROOT, 'pkg')];
  if (clockOffsetMs) args.push('--clock-offset-ms', String(clockOffsetMs));
  const child = spawn(binary, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => log.push(chunk));
  const started = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${log.join('')}`)), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${log.join('')}`));
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      // "totpkit mock server: URL", or the Node backend's "totpkit demo server (Node, …): URL".
      const url = out.match(/server[^:\n]*: (http:\/\/\S+)/);
      const account = out.match(/demo account: (\S+)\s+password: (\S+)/);
      if (url && account) {
        clearTimeout(timer);
        resolve({ url: url[1], email: account[1], password: account[2] });
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    ...started,
    origin: new URL(started.url).origin,
    /** The request log (method, path, status, reason), for failure messages. */
    log: () => log.join(''),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
