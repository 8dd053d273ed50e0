// The route recipe of npm/README.md: import and call, no init, no file path.
import { totpCode, verifyTotp } from 'totpkit';

export function GET(request) {
  const url = new URL(request.url);
  const secret = url.searchParams.get('secret');
  const at = Number(url.searchParams.get('t'));
  const digits = Number(url.searchParams.get('digits') || 6);
  const code = totpCode(secret, at, { digits });
  return Response.json({ code, verify: verifyTotp(secret, code, at, { digits }) });
}
