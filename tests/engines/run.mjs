// Runs every journey in journeys/ in one engine, as node:test tests: one browser per suite, a
// fresh page (own cookies and storage) per journey. A journey is one file exporting `title` and
// `run({ page, engine, save })` (and optionally `timeout` in ms); adding one is adding a file.
import { test, before, after } from 'node:test';
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { launch } from './driver/index.mjs';

const JOURNEYS = new URL('./journeys/', import.meta.url);
const SCREENSHOTS = new URL('./screenshots/', import.meta.url);

export async function runJourneys(engine) {
  const files = readdirSync(JOURNEYS).filter((f) => f.endsWith('.mjs')).sort();
  const journeys = await Promise.all(files.map(async (file) => ({ file, ...(await import(new URL(file, JOURNEYS))) })));
  mkdirSync(SCREENSHOTS, { recursive: true });

  let browser;
  before(async () => {
    browser = await launch(engine);
    console.log(`${engine}: ${browser.version}`);
  }, { timeout: 60_000 });
  after(() => browser && browser.close());

  for (const journey of journeys) {
    const slug = journey.file.replace(/\.mjs$/, '');
    test(`${engine}: ${journey.title}`, { timeout: journey.timeout ?? 120_000 }, async () => {
      const page = await browser.newPage();
      /** Saves a PNG as screenshots/<engine>-<journey>-<name>.png (git-ignored; look at them). */
      const save = (name, png) => writeFileSync(new URL(`${engine}-${slug}-${name}.png`, SCREENSHOTS), png);
      try {
        await journey.run({ page, engine, save });
      } catch (error) {
        await page.screenshot().then((png) => save('failure', png), () => {});
        // What the page itself reported is usually the cause: say it with the failure.
        const problems = await page.problems().catch(() => []);
        if (problems.length) error.message += `\nthe page reported:\n  ${problems.join('\n  ')}`;
        throw error;
      } finally {
        await page.close().catch(() => {});
      }
    });
  }
}
