'use client'; // The browser side of two-factor sign-in with totpkit/server: the lines a Next.js app writes.
import { useEffect, useState } from 'react';
import 'totpkit/elements';

const post = (step, code) => fetch(`/api/2fa/${step}`, { method: 'POST', body: JSON.stringify({ code }) }).then((r) => r.json());
const send = (step, then) => async ({ target, detail }) => {
  const result = await post(step, detail.code);
  if (!result.ok) return target.rejectCode(result); // the kit's refusal as is: { reason, attemptsLeft?, retryAfterMs? }
  target.acceptCode();
  then(result);
};

export default function TwoFactor() {
  const [uri, setUri] = useState(null);
  const [codes, setCodes] = useState(null);
  const [signedIn, setSignedIn] = useState(false);
  useEffect(() => void post('begin').then((e) => setUri(e.uri)), []);
  return (
    <main>
      <h1>Two-factor authentication</h1>
      {uri && !codes && <totp-enrollment uri={uri} ontotp-code={send('confirm', (r) => setCodes(r.recoveryCodes))} />}
      {codes && <ol aria-label="Recovery codes">{codes.map((c) => <li key={c}>{c}</li>)}</ol>}
      {codes && !signedIn && <totp-code-field ontotp-code={send('verify', () => setSignedIn(true))} />}
      {signedIn && <p role="status">Signed in with a code.</p>}
    </main>
  );
}
