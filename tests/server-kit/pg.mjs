// A throwaway PostgreSQL cluster for the server kit's tests: Debian's `postgresql` binaries
// (scripts/setup.sh installs the package; its own cluster service is never used), a data folder
// in a fresh temp folder, trust authentication, listening on a free port on 127.0.0.1 and on a
// unix socket inside the temp folder. Stopped (`-m immediate`: nothing in it is worth a clean
// shutdown) and removed by `stop()`, and on process exit if a test run ends early.
//
// Postgres refuses to run as root, and these machines run the tests as root: then initdb and
// pg_ctl run as the `postgres` system user the Debian package creates, owning the temp folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest installed server's bin folder: /usr/lib/postgresql/<major>/bin. */
function binDir() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: run scripts/setup.sh (Debian package `postgresql`)');
  return join(base, versions[0], 'bin');
}

/** A TCP port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster; resolves to `{ connectionString, stop(), data }` (`data`: its data folder).
 * `stop` is idempotent and synchronous, so it also runs from an exit handler. `durable: true`
 * keeps Postgres's own defaults (fsync, synchronous commit: a commit waits for its WAL on disk),
 * as a production database runs and as the benchmark measures; the tests turn durability off,
 * for speed.
 */
export async function startPostgres({ durable = false } = {}) {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  // As root, every Postgres program runs as `postgres`; otherwise as this user.
  const pg = (program, args) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
    return execFileSync(cmd, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    if (existsSync(join(data, 'postmaster.pid'))) {
      const [cmd, argv] = asRoot
        ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']]
        : [join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']];
      spawnSync(cmd, argv, { stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);

  try {
    pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    // Durability off: the cluster lives for one test file. The port may be taken between the
    // probe and the start by another process; then try another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const settings = [
        `-p ${port}`,
        "-c listen_addresses='127.0.0.1'",
        `-c unix_socket_directories='${dir}'`,
        ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
        '-c max_connections=50',
      ].join(' ');
      try {
        pg('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
        return { connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop, data };
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  } catch (e) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
    stop();
    throw new Error(`could not start a throwaway Postgres: ${e.stderr || e.message}\n${log}`);
  }
}
