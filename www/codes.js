// What a person types or pastes as a code: "123 456", "123-456" and " 123456 " all mean 123456.
// Checked here before anything is sent, because totpkit throws InvalidCode for a code that is
// not `digits` digits and the server would only answer 422.

/** Removes spaces (including non-breaking ones from copied text) and hyphens. */
export function normalizeCode(text) {
  return text.replace(/[\s\u00a0\u2010-\u2015-]/g, '');
}

/** Whether `code` (already normalized) is exactly `digits` ASCII digits. */
export function isWellFormedCode(code, digits) {
  return code.length === digits && /^[0-9]+$/.test(code);
}
