// A tiny static file server for browser tests: maps URL prefixes to folders, serves .wasm as
// application/wasm, and lets a test add its own routes. Loopback only.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';

// The mock server's table (mock-server/content-types.txt): one list of what a browser is strict
// about, for the real server and the test servers.
const TYPES = Object.fromEntries(
  readFileSync(new URL('../../../mock-server/content-types.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      return [`.${line.slice(0, space)}`, line.slice(space + 1).trim()];
    }),
);

/**
 * Starts a server. `mounts` maps a URL prefix ("/pkg/") to a folder; `routes` maps an exact path
 * to a handler (req, res). `headers` are added to every file answer. Returns { base, close }.
 */
export async function serveStatic({ mounts, routes = {}, headers = {} }) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (routes[path]) return routes[path](req, res);
    const prefix = Object.keys(mounts)
      .filter((p) => path.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return notFound(res);
    let rel = normalize(path.slice(prefix.length));
    if (rel.startsWith('..')) return notFound(res);
    if (rel === '.' || rel.endsWith('/')) rel = join(rel, 'index.html');
    try {
      const body = await readFile(join(mounts[prefix], rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] || 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      notFound(res);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}
