// A TypeScript consumer that uses every public function with its real option and result
// shapes, checked with `tsc --strict` against the installed tarball's types, in a DOM project
// (tsconfig.json) and a Node-only one (tsconfig.node.json: lib es2022, @types/node, no DOM), both
// without skipLibCheck (tests/e2e/consumers.spec.mjs). The lines marked as expected errors prove
// the types are precise: each must be an error, or tsc fails.
import init, {
  initSync,
  generateSecret,
  formatSecret,
  buildOtpauthUri,
  parseOtpauthUri,
  totpCode,
  hotpCode,
  verifyTotp,
  renderQrSvg,
  qrMatrix,
  enrollment,
  estimateClockOffset,
  parseHttpDate,
  checkClock,
  codePreview,
  diagnoseCode,
  normalizeCode,
  TotpkitError,
  type TotpkitErrorCode,
  type OtpAlgorithm,
  type VerifyResult,
  type ParsedOtpauth,
  type QrMatrixResult,
  type Enrollment,
  type ClockEstimate,
  type ClockStatus,
  type CodePreview,
  type Diagnosis,
} from 'totpkit';

export async function main(wasm?: ArrayBuffer | ArrayBufferView): Promise<void> {
  if (wasm) initSync({ module: wasm });
  else await init();

  const secret: string = generateSecret();
  const longer: string = generateSecret(32);
  const typed: string = formatSecret(longer);
  const algorithm: OtpAlgorithm = 'SHA256';
  const uri: string = buildOtpauthUri({ secret, account: 'alice@example.com', issuer: 'ACME Co', algorithm, digits: 8, period: 60 });
  const hotpUri: string = buildOtpauthUri({ secret, account: 'a', type: 'hotp', counter: 3 });
  const parsed: ParsedOtpauth = parseOtpauthUri(uri);
  const kind: 'totp' | 'hotp' = parsed.type;
  const counter: number | undefined = parseOtpauthUri(hotpUri).counter;

  const code: string = totpCode(secret, Date.now(), { algorithm: parsed.algorithm, digits: parsed.digits, period: parsed.period });
  const hotp: string = hotpCode(secret, 1, { digits: 7 });
  const v: VerifyResult = verifyTotp(secret, code, Date.now(), { window: 1 });
  const delta: number | null = v.delta;

  const svg: string = renderQrSvg(uri, { ecc: 'Q', quietZone: 4, dark: '#000', light: '#fff', title: 'Scan me' });
  const m: QrMatrixResult = qrMatrix(uri, { ecc: 'L' });
  const modules: Uint8Array = m.modules;
  const e: Enrollment = enrollment({ account: 'alice@example.com', issuer: 'ACME Co', secretBytes: 20 }, { ecc: 'M' });
  const period: number = e.params.period;

  const est: ClockEstimate = estimateClockOffset([{ sentMs: 0, receivedMs: 10, serverMs: 5, resolutionMs: 1 }], { okMs: 2000 });
  const status: ClockStatus = est.status;
  const date: number = parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT');
  const checked: ClockEstimate & { samples: number } = await checkClock('/api/time', { samples: 3, timeoutMs: 2000 });
  const p: CodePreview = codePreview(secret, Date.now(), { offsetMs: checked.offsetMs });
  const d: Diagnosis = diagnoseCode(secret, '123456', Date.now(), { maxSteps: 10 });
  const suspect: 'algorithm' | 'digits' | 'period' | undefined = d.suspect;
  const normalized: string = normalizeCode('１２３ ４５６', 6);

  try {
    totpCode('not base32', 0);
  } catch (err) {
    // instanceof narrows `unknown` to the class: no cast needed.
    if (err instanceof TotpkitError) {
      const known: TotpkitErrorCode = err.code;
      const name: 'TotpkitError' = err.name;
      const asError: Error = err;
      // @ts-expect-error: codes are a closed union, not any string
      const unknown: TotpkitError['code'] = 'Whatever';
      void known, name, asError, unknown;
    }
    // @ts-expect-error: without narrowing, a caught value is unknown
    void err.code;
  }
  const made: TotpkitError = new TotpkitError('InvalidCode', 'made by hand');
  // @ts-expect-error: the constructor takes a known code
  new TotpkitError('Nope', 'x');

  // @ts-expect-error: algorithm names are a closed union
  totpCode(secret, 0, { algorithm: 'MD5' });
  // @ts-expect-error: the time is a number, not a Date
  totpCode(secret, new Date());
  // @ts-expect-error: account is required
  enrollment({ issuer: 'x' });
  // @ts-expect-error: results are typed, not any
  const wrong: string = verifyTotp(secret, code, 0).valid;
  // @ts-expect-error: the diagnosis kind is a closed union
  const k: Diagnosis['kind'] = 'maybe';

  void [made, typed, kind, counter, hotp, delta, svg, modules, period, status, date, p, suspect, normalized, wrong, k];
}
