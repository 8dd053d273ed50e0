// Types of totpkit/elements/enrollment: importing it registers <totp-enrollment>.
export { TotpEnrollment } from "../elements.js";
