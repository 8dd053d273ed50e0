// The mock server's JSON API (mock-server/src/api.rs), same origin only. Every call resolves;
// a failure is { ok: false, status, data: { error, attemptsLeft?, hint?, retryAfter?, next? } }.

/** GET (no body) or POST (with a JSON body, or none) to /api/…. */
export async function api(path, body, method = body === undefined ? 'GET' : 'POST') {
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: {} };
  if (body !== undefined && body !== null) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch {
    return { ok: false, status: 0, data: { error: 'network' } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch {
    // An empty or non-JSON body: keep the status.
  }
  const retryAfter = Number(response.headers.get('retry-after')) || Number(data.retryAfter) || 0;
  return { ok: response.ok, status: response.status, data, retryAfter: Math.max(retryAfter, response.status === 429 ? 1 : 0) };
}

/** POST without a body (enroll, logout). */
export function post(path) {
  return api(path, null, 'POST');
}

/** What to say for failures every form can meet (network, locked account, server trouble). */
export function genericFailure(result) {
  switch (result.data.error) {
    case 'network':
      return 'The server could not be reached. Check your connection and try again.';
    case 'account_locked':
      return 'This account is locked after too many failed attempts. Contact support to unlock it.';
    case 'random_unavailable':
      return 'The server cannot create secure random values right now. Try again later.';
    case 'storage_unavailable':
      return 'The server could not save this change, so it was not made. Try again later.';
    case 'server_busy':
      return 'The server is busy. Try again in a moment.';
    default:
      return `Something went wrong (${result.data.error || `HTTP ${result.status}`}). Try again.`;
  }
}
