// A tiny assertion API for tests/package/cases.mjs, with no dependency on node:assert so the same
// cases run in Node and in a browser page. Failures throw an Error whose message names what was
// checked, so a failing case says where it failed in either runner.

/** Renders a value for a failure message: strings quoted, numbers as JS prints them (-0, NaN). */
function show(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? v.slice(0, 200) + '…' : v);
  if (Object.is(v, -0)) return '-0';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  if (v instanceof Error) return `${v.name}(${show(v.code)}): ${v.message}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function fail(message, label) {
  throw new Error(label ? `${label}: ${message}` : message);
}

/** Structural equality for plain data: primitives by ===, arrays and typed arrays element by
 * element, plain objects key by key (same own enumerable keys, in any order). */
function same(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    return a.length === b.length && Array.prototype.every.call(a, (x, i) => same(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
}

/**
 * Returns the assertion API `t`. `afterError` runs after every expected TotpkitError (the cases
 * use it to prove that the module still computes an RFC vector after an error).
 */
export function makeAssert({ afterError = () => {} } = {}) {
  const t = {
    /** Strict equality (===), as Rust's `assert_eq!` on the values the old suite read. */
    equal(actual, expected, label) {
      if (actual !== expected) fail(`expected ${show(expected)}, got ${show(actual)}`, label);
    },
    deepEqual(actual, expected, label) {
      if (!same(actual, expected)) fail(`expected ${show(expected)}, got ${show(actual)}`, label);
    },
    ok(value, label) {
      if (!value) fail(`expected a truthy value, got ${show(value)}`, label);
    },
    /**
     * `fn` must throw a real Error named TotpkitError with `code` and a string message; then
     * `afterError` runs. The label defaults to the source of `fn`, so a failure shows the call.
     */
    throwsTotpkit(fn, code, label = String(fn)) {
      let thrown;
      let threw = false;
      try {
        fn();
      } catch (e) {
        threw = true;
        thrown = e;
      }
      if (!threw) fail(`expected a TotpkitError ${code}, but nothing was thrown`, label);
      if (!(thrown instanceof Error)) fail(`expected a thrown Error object, got ${show(thrown)}`, label);
      t.equal(thrown.name, 'TotpkitError', `${label}: name`);
      t.equal(thrown.code, code, `${label}: code`);
      t.equal(typeof thrown.message, 'string', `${label}: typeof message`);
      afterError();
    },
  };
  return t;
}
