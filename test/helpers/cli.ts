import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built CLI, as a user runs it. `npm test` builds before testing; a test run on its own
 * after editing sources needs `npm run build` first.
 */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export function cliArgs(...args: string[]): string[] {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  return [CLI, ...args];
}
