// The wire between the JS front and the wasm is declared once (wasm/wire.json). Both sides come
// from it: wasm/build.rs generates the Rust exports, scripts/wire.mjs the front's wire_<call>
// functions, and scripts/wire.mjs checks that the front calls them with the declared arguments.
// Here: the tree agrees with the declaration, the built .wasm has exactly the declared exports
// with the declared signatures, and a deliberately mismatched declaration is refused by each
// check: the front's (stale region, then the call sites), the built module's, and the Rust build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WIRE, FRONT, parseWire, check, rewrite } from '../../scripts/wire.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
const declaration = readFileSync(WIRE, 'utf8');
const front = readFileSync(FRONT, 'utf8');

/** A copy of the declaration with `edit` applied to its parsed JSON. */
function mutated(edit) {
  const json = JSON.parse(declaration);
  edit(Object.fromEntries(json.calls.map((c) => [c.name, c])));
  return JSON.stringify(json, null, 2);
}
const swapDigitsAndPeriod = (calls) => {
  const args = calls.totp_code.args;
  const [d, p] = [args.indexOf('digits: f64'), args.indexOf('period: f64')];
  [args[d], args[p]] = [args[p], args[d]];
};

/** The signature of every function the module exports: { name: { params: [...], results: [...] } }. */
function exportedSignatures(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const name = () => {
    const n = leb();
    at += n;
    return Buffer.from(bytes.subarray(at - n, at)).toString();
  };
  const VALTYPE = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x6f: 'externref', 0x70: 'funcref' };
  const types = [];
  const functions = [];
  const out = {};
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        assert.equal(bytes[at++], 0x60, 'a function type');
        const params = Array.from({ length: leb() }, () => VALTYPE[bytes[at++]]);
        const results = Array.from({ length: leb() }, () => VALTYPE[bytes[at++]]);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name();
        name();
        const kind = bytes[at++];
        if (kind === 0) functions.push(types[leb()]);
        else if (kind === 1) (at++, bytes[at++] & 1 ? (leb(), leb()) : leb());
        else if (kind === 2) (bytes[at++] & 1 ? (leb(), leb()) : leb());
        else at += 2;
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; n--) functions.push(types[leb()]);
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const exported = name();
        const kind = bytes[at++];
        const index = leb();
        if (kind === 0) out[exported] = functions[index];
      }
    }
    at = end;
  }
  return out;
}

/** What the declaration says the module exports, as wasm signatures. */
function declaredSignatures(calls) {
  const raw = (type) => (type === 'f64' ? 'f64' : 'i32');
  return Object.fromEntries(
    calls.map((c) => [
      c.name,
      { params: c.args.map((a) => raw(a.type)), results: [c.returns === 'u32' || Array.isArray(c.returns) ? 'i32' : 'f64'] },
    ]),
  );
}

/** Differences between the module's exports and the declaration, as sentences. */
function moduleMismatches(calls, wasm) {
  const have = exportedSignatures(wasm);
  // wasm-bindgen's own start function is the one export the declaration does not list.
  delete have.__wbindgen_start;
  const want = declaredSignatures(calls);
  const problems = [];
  for (const [name, sig] of Object.entries(want)) {
    if (!have[name]) problems.push(`${name} is not exported`);
    else if (JSON.stringify(have[name]) !== JSON.stringify(sig)) problems.push(`${name}: ${JSON.stringify(have[name])}, declared ${JSON.stringify(sig)}`);
  }
  for (const name of Object.keys(have)) if (!want[name]) problems.push(`${name} is exported but not declared`);
  return problems;
}

test('the front agrees with wasm/wire.json (region, call sites, records taken apart)', () => {
  assert.deepEqual(check(parseWire(declaration), front), []);
});

test('the built .wasm exports exactly the declared calls, with the declared signatures', () => {
  const wasm = readFileSync(join(root, 'pkg', 'totpkit_bg.wasm'));
  const calls = parseWire(declaration);
  assert.ok(calls.length >= 12);
  assert.deepEqual(moduleMismatches(calls, wasm), []);
});

for (const [module, names] of [
  ['qr', ['io', 'error_message', 'format_secret', 'parse_uri']],
  ['codes', ['io', 'error_message', 'totp_code', 'verify_totp', 'generate_secret', 'format_secret']],
]) {
  test(`the ${module} module exports exactly the calls listed "in" "${module}", with the declared signatures`, () => {
    const wasm = readFileSync(join(root, 'pkg', `totpkit_${module}_bg.wasm`));
    const calls = parseWire(declaration).filter((c) => c.modules.includes(module));
    assert.deepEqual(calls.map((c) => c.name), names);
    assert.deepEqual(moduleMismatches(calls, wasm), []);
  });
}

test('a function that runs on a smaller module may call only the calls listed "in" it', () => {
  // formatSecret runs on the QR module and the codes module (live('codes', 'qr')); unlisted in
  // one, its call is refused by name.
  const unlisted = parseWire(mutated((c) => (c.format_secret.in = ['codes'])));
  const errors = check(unlisted, rewrite(unlisted, front));
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /formatSecret checks live\(…'qr'…\) .* calls wire_format_secret, which wasm\/wire\.json does not list "in" "qr"/);
  // A smaller module cannot go without the calls every load and error use.
  const bare = parseWire(mutated((c) => (c.error_message.in = ['qr'])));
  assert.deepEqual(check(bare, rewrite(bare, front)), ['wire_error_message: every load or error of the codes module uses it: list "codes" in its "in"']);
});

test('a mismatched declaration: the built module is refused', () => {
  const wasm = readFileSync(join(root, 'pkg', 'totpkit_bg.wasm'));
  const retyped = parseWire(mutated((c) => (c.totp_code.args[3] = 'digits: u32')));
  assert.deepEqual(moduleMismatches(retyped, wasm), [
    'totp_code: {"params":["i32","f64","i32","f64","f64"],"results":["f64"]}, declared {"params":["i32","f64","i32","i32","f64"],"results":["f64"]}',
  ]);
  const dropped = parseWire(mutated((c) => c.verify_totp.args.splice(3, 1)));
  assert.equal(moduleMismatches(dropped, wasm).length, 1);
});

test('a mismatched declaration: the front is refused, stale region first, then each call site', () => {
  // Two arguments swapped: the generated region no longer matches ...
  const swapped = parseWire(mutated(swapDigitsAndPeriod));
  const stale = check(swapped, front);
  assert.equal(stale.length, 2, stale.join('\n'));
  assert.match(stale[0], /wire region is not what wasm\/wire\.json generates/);
  assert.match(stale[1], /wire_totp_code\(secret, unixMs, alg, digits, period\) does not pass what wasm\/wire\.json declares: wire_totp_code\(secret, unixMs, alg, period, digits\)/);
  // ... and once regenerated, the front's call still passes digits where period now goes.
  const regenerated = check(swapped, rewrite(swapped, front));
  assert.equal(regenerated.length, 1, regenerated.join('\n'));
  assert.match(regenerated[0], /^npm\/front\.js:\d+: wire_totp_code\(secret, unixMs, alg, digits, period\) does not pass/);

  // A record field renamed: the front takes diagnose_code's record apart by the old name.
  const renamed = parseWire(mutated((c) => (c.diagnose_code.returns[3] = 'suspicion: str?')));
  const fields = check(renamed, rewrite(renamed, front));
  assert.equal(fields.length, 1, fields.join('\n'));
  assert.match(fields[0], /wire_diagnose_code's record has no field `suspect`/);

  // A call the front no longer makes, and one it makes without a declaration.
  const extra = parseWire(mutated((c) => c.io.name = 'io_address'));
  const calls = check(extra, rewrite(extra, front));
  assert.ok(calls.some((e) => /wire_io is not declared/.test(e)), calls.join('\n'));
  assert.ok(calls.some((e) => /never calls wire_io_address/.test(e)), calls.join('\n'));

  // The wasm called around the wire.
  const around = front.replace('  return wire_format_secret(secret);', '  return record(() => core.format_secret(put(secret)), (r) => r.str());');
  assert.notEqual(around, front);
  assert.ok(check(parseWire(declaration), around).some((e) => /core\.format_secret\(…\) bypasses the wire/.test(e)));
});

test('a malformed declaration is refused before anything is generated', () => {
  assert.throws(() => parseWire(mutated((c) => (c.totp_code.args[1] = 'unix_ms: i64'))), /unknown type `i64`/);
  assert.throws(() => parseWire(mutated((c) => c.totp_code.args.push('secret: str'))), /not a new `snake_case: type`/);
  assert.throws(() => parseWire(mutated((c) => (c.qr_matrix.returns = ['modules: rest', 'size: f64']))), /`rest` only last/);
  assert.throws(() => parseWire(mutated((c) => c.totp_code.args.push('at: u32'))), /a name the generated code uses/);
});

// The Rust side: build.rs reads TOTPKIT_WIRE instead of wasm/wire.json. The real declaration
// builds; one whose record lost a field the use fills, or whose argument changed type, does not.
// (Its own target folder, so the package's build is not disturbed; the first run checks the
// dependencies for wasm32 once, about a minute on 2 cores.)
test('a mismatched declaration: the Rust build fails', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-wire-'));
  const cargoCheck = async (text) => {
    const file = join(dir, 'wire.json');
    writeFileSync(file, text);
    try {
      await run('cargo', ['check', '--quiet', '-p', 'totpkit-wasm', '--target', 'wasm32-unknown-unknown', '--target-dir', join(root, 'target', 'wire-check')], {
        cwd: root,
        env: { ...process.env, TOTPKIT_WIRE: file, CARGO_TERM_COLOR: 'never' },
        maxBuffer: 16 * 1024 * 1024,
      });
      return { ok: true };
    } catch (e) {
      return { ok: false, stderr: e.stderr };
    }
  };
  try {
    assert.deepEqual(await cargoCheck(declaration), { ok: true }, 'the real declaration builds');
    const lost = await cargoCheck(mutated((c) => c.code_preview.returns.splice(1, 1)));
    assert.equal(lost.ok, false);
    assert.match(lost.stderr, /struct `wire::CodePreviewOut<'_>` has no field named `next_code`/);
    const retyped = await cargoCheck(mutated((c) => (c.totp_code.args[3] = 'digits: u32')));
    assert.equal(retyped.ok, false);
    assert.match(retyped.stderr, /mismatched types[^]*a\.digits/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
