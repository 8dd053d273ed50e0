// Every journey in Firefox ESR (puppeteer-core, WebDriver BiDi). See run.mjs.
import { runJourneys } from './run.mjs';

await runJourneys('firefox');
