// Stands in for the app's database in the README's route recipe (app/api/verify/route.js): one
// user, alice, enrolled with the RFC 6238 SHA-1 secret, kept in the server process's memory.
const rows = new Map([['alice', { id: 'alice', totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', lastStep: null }]]);

export const users = {
  async get(id) {
    const row = rows.get(id);
    return row && { ...row };
  },
  async save(user) {
    rows.set(user.id, { ...user });
  },
};
