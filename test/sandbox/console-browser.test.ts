/**
 * The console in a real browser (headless Chromium): the loop a developer watches. One browser
 * launch for the whole file; the screenshot goes to a temp dir (`npm run screenshot` makes the
 * one docs/sandbox.md shows).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, chromiumPath, launchChromium } from '../../src/bench/chromium.js';
import { runSandbox, type RunningSandbox } from '../../src/cli/sandbox-command.js';
import { silentLogger } from '../../src/log.js';
import { startWebhook, tempDir } from './helpers.js';

let browser: Browser;
let running: RunningSandbox;
let page: Page;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const hook = await startWebhook();
  cleanups.push(() => hook.close());
  const out = new Writable({ write: (_chunk, _e, cb) => cb() });
  running = await runSandbox({ port: 0, sims: 1, bridge: true, pty: false, db: join(dir, 'sandbox.db'), fleetUrl: `${hook.url}/mo` }, out, silentLogger);
  cleanups.push(() => running.close());
  browser = await launchChromium();
  cleanups.push(() => browser.close());
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  cleanups.push(() => expect(errors).toEqual([]));
  await page.goto(running.sandbox.consoleUrl!);
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

// In-page scripts (the page's JavaScript, not this file's TypeScript, which has no DOM types).
/** Fields without a label: a `label for`, an enclosing label, `aria-label` or `aria-labelledby`. */
const UNLABELLED_FIELDS = `[...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden')
  .filter((el) => !(el.id && document.querySelector('label[for="' + el.id + '"]')) && !el.closest('label') && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.outerHTML.slice(0, 80))`;
/** Every shown element with text of its own whose contrast against the first opaque background behind it is under 4.5:1 (WCAG relative luminance). */
const LOW_CONTRAST_TEXT = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
    const style = getComputedStyle(el);
    if (!text || style.visibility === 'hidden' || style.display === 'none' || el.offsetParent === null) continue;
    const a = lum(rgb(style.color));
    const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '": ' + ratio.toFixed(2));
  }
  return out;
})()`;

const row = (direction: string, payload: string) => page.locator(`#commands tr[data-direction="${direction}"]`, { has: page.locator('.payload code', { hasText: new RegExp(`^${payload}$`) }) });

describe('the sandbox console in Chromium', () => {
  it('finds Chromium where CI installs it, or says how to get it', () => {
    expect(chromiumPath({})).toBe(DEFAULT_CHROMIUM);
    expect(statSync(chromiumPath({})).isFile()).toBe(true);
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(() => chromiumPath({ CHROMIUM_PATH: '/nowhere/chromium' })).toThrow('no Chromium at /nowhere/chromium: install Debian\'s chromium');
  });

  it('shows the SIM with its modem plugged and the bridge ready, live', async () => {
    await page.locator('#connection[data-state="live"]').waitFor();
    await page.locator('#sims tr[data-modem="plugged"][data-bridge="ready"]', { hasText: 'sim-1' }).waitFor();
  });

  it('counts the 160 rule as you type and shows the API error for an empty or too long payload', async () => {
    await page.getByLabel('Payload').fill('a'.repeat(150) + '[]{}€');
    await expect.poll(() => page.locator('#send-count').textContent()).toBe('160 / 160');
    await page.getByLabel('Payload').fill('a'.repeat(161));
    await expect.poll(() => page.locator('#send-count').textContent()).toBe('161 / 160: 1 too many, the API will refuse it');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#send-error').textContent()).toMatch(/^The API refused it \(HTTP 400, error 20001\): .*160/);
    await page.getByLabel('Payload').fill('');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#send-error').textContent()).toBe('The API refused it (HTTP 400, error 20001): Missing required parameter Payload in the post body');
  });

  it('sends ping 7 from the form: pong 7 comes back as a received from_sim command, ping 7 reaches delivered, the webhook fires', async () => {
    await page.getByLabel('SIM', { exact: true }).selectOption('sim-1');
    await page.getByLabel('Payload').fill('ping 7');
    await page.getByLabel('Payload').press('Enter');
    await row('from_sim', 'pong 7').and(page.locator('[data-status="received"]')).waitFor();
    const ping = row('to_sim', 'ping 7');
    await ping.and(page.locator('[data-status="delivered"]')).waitFor();
    expect(await ping.locator('.timeline li > span').allTextContents()).toEqual(['queued', 'sent', 'delivered']);
    await page.locator('#webhooks tr', { hasText: 'pong 7' }).waitFor();
    expect(await page.locator('#webhooks tr', { hasText: 'pong 7' }).locator('td.answer').textContent()).toMatch(/^200 · \d+ ms$/);
  });

  it('reboots the modem from the SIM panel and shows the bridge recover', async () => {
    // Every bridge state the page shows, in order: the recovery may be quicker than any poll.
    // (Strings, as this project's TypeScript has no DOM types: these run in the page.)
    await page.evaluate(`
      window.bridgeStates = [];
      new MutationObserver(() => window.bridgeStates.push(document.querySelector('#sims tbody tr')?.dataset.bridge))
        .observe(document.querySelector('#sims tbody'), { childList: true });
    `);
    await page.getByRole('button', { name: 'Reboot the modem of sim-1' }).click();
    await page.waitForFunction(`window.bridgeStates.some((s) => s !== 'ready') && window.bridgeStates.at(-1) === 'ready'`);
    await page.locator('#sims tr[data-bridge="ready"]').waitFor();
  });

  it('is accessible: every field has a label, the send form works from the keyboard, and text keeps 4.5:1 contrast (WCAG 2.2, 1.4.3)', async () => {
    const unlabelled = await page.evaluate<string[]>(UNLABELLED_FIELDS);
    expect(unlabelled).toEqual([]);
    // Keyboard only: focus the payload field, type, and Tab on to the Send button.
    await page.getByLabel('Payload').focus();
    await page.keyboard.type('status');
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>(`document.activeElement?.textContent?.trim() === 'Send'`);
    }
    expect(reached).toBe(true);
    await page.getByLabel('Payload').fill('');
    // Contrast of every element that shows text, against the first opaque background behind it.
    const low = await page.evaluate<string[]>(LOW_CONTRAST_TEXT);
    expect(low).toEqual([]);
  });

  it('takes a screenshot', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'sandbox-console.png');
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });
});
