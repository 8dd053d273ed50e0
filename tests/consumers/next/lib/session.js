// Stands in for the app's own session (Auth.js, iron-session, a cookie of yours): the user who has
// just entered the right password, and now enrolls or gives the second factor.
export async function currentUser() {
  return 'alice@example.com';
}
