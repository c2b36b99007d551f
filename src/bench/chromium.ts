/**
 * The headless Chromium the console's browser test, its screenshot and its bench drive: Debian's
 * `chromium` (`.ci/run` installs it), through playwright-core, which downloads no browser.
 * No fallback and no skip: without the browser, the console is untested, and that is an error.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** `CHROMIUM_PATH`, else /usr/bin/chromium; an error that says what to do when it is not there. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH to a Chromium or Chrome binary`);
  }
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}
