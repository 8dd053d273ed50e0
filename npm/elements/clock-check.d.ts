// Types of totpkit/elements/clock-check: importing it registers <totp-clock-check>.
export { TotpClockCheck } from "../elements.js";
