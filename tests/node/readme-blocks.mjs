// The code blocks of npm/README.md and README.md, for the tests that run them: in Node
// (tests/node/readme.test.mjs) and in Chromium (tests/e2e/readme.spec.mjs).
//
// Where each kind runs:
// - ```js blocks run in Node against the built package (resolved as `totpkit` through a
//   node_modules link, so Node picks the package's `node` export), except a block that imports
//   the package by path ('./node_modules/totpkit/totpkit.js'): that is the browser build, for
//   the plain-HTML recipe.
// - ```js blocks without `export` run in Chromium too, in README order on one page under the
//   strict CSP (a block with `export` is a server module: a route, a library, a Worker).
// - ```html blocks run in Chromium: the plain-HTML recipe (followed by a block that imports by
//   path) on its own page, with that block as its script; any other (the elements' markup) is
//   put into the page the browser blocks run on, for the ```js block after it.
// - A ```js block that imports 'totpkit/elements' runs for real in Chromium (the elements drawn,
//   a code typed, the server's answer shown); in Node, where the module defines no element, it
//   runs against a stand-in for the element it looks up, and its `totp-code` listener is
//   played (a wrong code, then the right one) against a local /api/2fa/confirm.
// - A ```js block that imports 'totpkit/server' (or its stores, 'totpkit/server/sqlite' and
//   'totpkit/server/postgres') is server code: it runs in Node only, with a TOTP_KEY in the
//   environment and a temp folder as the working directory (the SQLite file is made there).
//   Chromium skips it: the server entry instantiates its own wasm for Node, Deno, Bun and
//   Workers, and a page never loads it.
// - The ```sh block that makes an encryption key (`node -e …`) runs in Node's test too: its key
//   is the TOTP_KEY the server blocks use.
// - The ```jsx blocks and the Next.js routes are files of tests/consumers/next (compared verbatim
//   here), which tests/e2e/next.spec.mjs builds with Turbopack and webpack and drives; the routes
//   also run in Node here (a block equal to a file of that app is written at its path).
// A block may use a few free names that the surrounding prose defines (`secret`, `typed` and
// the main README's `qrBox` and `manualKey`); both harnesses provide them.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const READMES = {
  npm: join(root, 'npm', 'README.md'),
  main: join(root, 'README.md'),
};

/** Every fenced block of a Markdown file: { file, lang, line, code }, in order. */
export function codeBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```(\w*)\s*$/);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ file, lang: open[1], line: start + 1, code: body.join('\n') + '\n' });
  }
  return blocks;
}

/** A short name for a block in test titles: "npm/README.md:27". */
export const where = (b) => `${b.file.slice(root.length + 1)}:${b.line}`;

export const isServerModule = (b) => /^export /m.test(b.code);
export const importsByPath = (b) => b.code.includes("'./node_modules/totpkit/");
export const importsElements = (b) => b.code.includes("'totpkit/elements'");
/** Server code (`totpkit/server` and its stores): Node only, never on a page. */
export const isServerOnly = (b) => /from 'totpkit\/server(\/\w+)?'/.test(b.code);

/** The plain-HTML recipe is an ```html block followed by a block importing by path; any other
 * ```html block is markup the ```js block after it needs on its page. */
export const isMarkup = (blocks, i) => blocks[i].lang === 'html' && !(blocks[i + 1] && importsByPath(blocks[i + 1]));

/** The server the elements example posts to: { secret, code } → 200, or 401 with what
 * rejectCode takes. Checked at `now` (the page's clock). */
export const ATTEMPTS_LEFT = 4;
export function confirmAnswer(verifyTotp, body, now) {
  const { secret, code } = JSON.parse(body);
  let valid = false;
  try {
    valid = verifyTotp(secret, code, now).valid;
  } catch {
    // Not a code: refused like a wrong one.
  }
  return valid ? [200, { ok: true }] : [401, { ok: false, attemptsLeft: ATTEMPTS_LEFT }];
}

/** The output a block promises with `console.log(...); // → text`, in order. */
export const promisedOutput = (b) => [...b.code.matchAll(/console\.log\(.*\/\/ → (.*)$/gm)].map((m) => m[1].trim());

/** What the phone would show two minutes behind, for the diagnosis example. */
export const PHONE_BEHIND_MS = 120_000;
export const DRIFT_MESSAGE = "Your phone's clock is 2 minutes behind: turn on automatic time in its settings.";
