// The mock server's JSON API (mock-server/src/api.rs), same origin only. Every call resolves;
// a failure is { ok: false, status, data: { error, attemptsLeft?, hint?, retryAfter?, next? } }.

import { t } from './i18n.js';

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
    case 'account_locked':
    case 'random_unavailable':
    case 'storage_unavailable':
    case 'server_busy':
      return t(`error.${result.data.error}`);
    default:
      return t('error.other', result.data.error || `HTTP ${result.status}`);
  }
}
