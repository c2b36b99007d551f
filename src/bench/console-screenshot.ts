/**
 * `npm run screenshot`: regenerates docs/img/sandbox-console.png, the console docs/sandbox.md
 * shows. It runs what `npm start` runs (the built CLI, `sandbox --bridge --demo`), waits for the
 * demo's commands, sends `ping 7` from the console's form and photographs the page once `pong 7`
 * is back. The PNG should stay under 200 kB; the viewport is what keeps it there.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.js';
import { startSandboxProcess } from './sandbox-process.js';

const out = process.argv[2] ?? fileURLToPath(new URL('../../docs/img/sandbox-console.png', import.meta.url));
const sandbox = await startSandboxProcess([fileURLToPath(new URL('../cli/main.js', import.meta.url))], ['--bridge', '--demo']);
const browser = await launchChromium();
try {
  const deadline = Date.now() + 30_000;
  while (!sandbox.output().includes('Type a command')) {
    if (Date.now() > deadline) throw new Error(`the demo did not finish in 30 s:\n${sandbox.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(sandbox.consoleUrl);
  await page.locator('#connection[data-state="live"]').waitFor();
  await page.getByLabel('Payload').fill('ping 7');
  await page.getByLabel('Payload').press('Enter');
  await page.locator('#commands tr[data-direction="from_sim"]', { hasText: 'pong 7' }).waitFor();
  await page.locator('#webhooks tr', { hasText: 'pong 7' }).waitFor();
  await page.locator('#webhooks details').first().evaluate((details) => details.setAttribute('open', ''));
  // Focus back in the form, as a developer typing the next command would see it.
  await page.getByLabel('Payload').fill('reboot now');
  await page.screenshot({ path: out });
  console.log(`${out}: ${Math.round(statSync(out).size / 1024)} kB`);
} finally {
  await browser.close();
  await sandbox.stop();
}
