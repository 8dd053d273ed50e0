// totpkit needs no Next.js configuration. This file exists only because the app sits inside the
// totpkit repository, whose own package-lock.json Next would otherwise take for the workspace
// root (and warn about); a standalone app has no next.config at all.
const here = import.meta.dirname;
export default { turbopack: { root: here }, outputFileTracingRoot: here };
