// app/api/verify/route.js
import { acceptCode } from '../../../lib/accept-code.js';
import { users } from '../../../lib/users.js'; // your database

export async function POST(request) {
  const { userId, code } = await request.json();
  const user = await users.get(userId);
  const ok = user !== undefined && acceptCode(user, String(code));
  if (ok) await users.save(user);
  return Response.json({ ok }, { status: ok ? 200 : 401 });
}
