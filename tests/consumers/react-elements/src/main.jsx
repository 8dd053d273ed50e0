// What a React 19 developer writes: import the elements once, render them as JSX, listen to
// `totp-code` with React 19's custom-element event props, and answer through a ref.
import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'totpkit/elements';

// The server's otpauth URI (fixed here; a real app fetches it).
const URI = 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co';

function Enroll() {
  const enrollment = useRef(null);
  const [submitted, setSubmitted] = useState(null);
  // The server refuses every code in this demo: the element says why.
  const onCode = (event) => {
    setSubmitted(event.detail.code);
    enrollment.current.rejectCode({ attemptsLeft: 4 });
  };
  return (
    <main>
      <h1>Set up two-factor authentication</h1>
      <totp-enrollment ref={enrollment} uri={URI} ontotp-code={onCode} />
      {submitted && <p role="status">React received {submitted}</p>}
    </main>
  );
}

createRoot(document.getElementById('root')).render(<StrictMode><Enroll /></StrictMode>);
