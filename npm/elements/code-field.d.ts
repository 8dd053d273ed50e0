// Types of totpkit/elements/code-field: importing it registers <totp-code-field>.
export { TotpCodeField } from "../elements.js";
