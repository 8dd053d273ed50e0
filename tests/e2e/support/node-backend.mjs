// The demo's second backend (demo-node/server.mjs, Node on totpkit/server) behind the same
// fixtures as the mock server: this `test` is fixtures.mjs's, with `server` started from demo-node/
// (same flags, same banner, so startServer runs it as it runs the mock server's binary).
import { join } from 'node:path';
import { test as mockServerTest } from './fixtures.mjs';
import { startServer, ROOT } from './server.mjs';

export { expect } from './fixtures.mjs';
export const NODE_SERVER = join(ROOT, 'demo-node', 'server.mjs');

export const test = mockServerTest.extend({
  server: async ({ serverOptions }, use) => {
    const server = await startServer(NODE_SERVER, serverOptions);
    await use(server);
    await server.stop();
  },
});
