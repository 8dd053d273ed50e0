// Every journey in WebKitGTK (WebKitWebDriver, under xvfb-run). See run.mjs.
import { runJourneys } from './run.mjs';

await runJourneys('webkit');
