// Test-only classic script, loaded before the page's module by pages the engine suites serve
// themselves (tests/engines/pages/). WebKitWebDriver has no "run this before the page" hook, so
// a <script src> that `script-src 'self'` allows is the one preload that works in every engine.
//
// 1. A fake clock: with `fake-clock=<unix ms>` in the URL's query, Date.now() and `new Date()`
//    start at that instant and run on at real speed (what Playwright's page.clock.install does).
// 2. A record of what went wrong in the page (uncaught errors, rejections, CSP violations) in
//    window.__engineProblems, which the driver reads with page.problems().
(() => {
  'use strict';
  const problems = [];
  Object.defineProperty(window, '__engineProblems', { value: problems });
  addEventListener('error', (e) => problems.push(`error: ${e.message}`));
  addEventListener('unhandledrejection', (e) => problems.push(`unhandled rejection: ${e.reason && e.reason.stack || e.reason}`));
  // Only Firefox fires this event; WebKit refuses silently (the journey then fails on what
  // the page does not show).
  addEventListener('securitypolicyviolation', (e) => problems.push(`CSP: ${e.violatedDirective} ${e.blockedURI}`));

  const at = new URLSearchParams(location.search).get('fake-clock');
  if (at === null) return;
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const shift = Number(at) - realNow();
  if (!Number.isFinite(shift)) throw new Error(`fake-clock: not a number: ${at}`);
  const now = () => realNow() + shift;
  // A subclass keeps Date's statics (parse, UTC) and instanceof; only "now" moves.
  class FakeDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  // Called without `new`, Date() returns a string of the current time.
  const DateFunction = new Proxy(FakeDate, {
    apply: () => new FakeDate().toString(),
  });
  window.Date = DateFunction;
})();
