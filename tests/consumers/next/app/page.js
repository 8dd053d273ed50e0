'use client'; // Next.js only; the rest is the same in any React app
import { useEffect, useState } from 'react';
import init, { enrollment, codePreview } from 'totpkit';

export default function Enroll() {
  const [e, setE] = useState(null);
  const [now, setNow] = useState(0);
  useEffect(() => {
    init().then(() => setE(enrollment({ account: 'alice@example.com', issuer: 'ACME Co' })));
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!e) return <p>Loading…</p>;
  const preview = codePreview(e.secret, now || Date.now());
  return (
    <main>
      <div id="qr" style={{ width: 240 }} dangerouslySetInnerHTML={{ __html: e.svg }} />
      <p>Key: <code id="key">{e.manualKey}</code></p>
      <p>Code: <output id="code">{preview.code}</output> ({preview.secondsRemaining} s)</p>
    </main>
  );
}
