// The JS side of tests/core/js_parity (spec_cases.rs): reads the generated cases (a JSON array)
// from stdin, answers each with the browser package's JS rules (npm/code.js, npm/clock.js,
// npm/uri.js, the
// sources as they ship), and writes the answers as a JSON array: `{ ok }` or `{ error, message }`.
import { normalizeCode } from '../../npm/code.js';
import { parseHttpDate, estimateClockOffset } from '../../npm/clock.js';
import { buildOtpauthUri } from '../../npm/uri.js';

process.stdin.setEncoding('utf8'); // decodes across chunk boundaries (a raw chunk may split a character)
let text = '';
for await (const chunk of process.stdin) text += chunk;
const rules = {
  date: (c) => parseHttpDate(c.value),
  code: (c) => normalizeCode(c.typed, c.digits ?? undefined),
  uri: (c) => buildOtpauthUri(c.params),
  estimate: (c) =>
    estimateClockOffset(
      c.samples.map(([sentMs, receivedMs, serverMs, resolutionMs]) => ({ sentMs: sentMs ?? NaN, receivedMs: receivedMs ?? NaN, serverMs: serverMs ?? NaN, resolutionMs: resolutionMs === null ? NaN : resolutionMs })),
      c.thresholds,
    ),
};
const answers = JSON.parse(text).map((c) => {
  try {
    return { ok: rules[c.rule](c) };
  } catch (e) {
    return { error: e.code ?? String(e), message: e.message };
  }
});
process.stdout.write(JSON.stringify(answers));
