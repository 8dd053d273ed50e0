// Types of totpkit/elements/locales/<tag> (npm/locales/*.js): importing one registers its
// language with the elements (no call needed); its default export is the sentences, a full
// TotpStrings map, for a host that reads or extends them.
import type { TotpStrings } from '../elements.js';

declare const strings: TotpStrings;
export default strings;
