/**
 * The layer graph in eslint.config.js, checked the way an editor sees it: ESLint lints a small source
 * placed at a path inside src/ that need not exist, and its imports resolve to the real files. Each
 * case is one import; the forbidden ones must be refused by eslint-plugin-boundaries, the allowed ones
 * must pass without a message.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd });

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${cwd}/${filePath}` });
  return result!.messages;
}

const use = (source: string) => `import * as imported from '${source}';\nexport const used = imported;\n`;

/** [file, what it imports]: one forbidden edge at least for every layer. */
const forbidden: [string, string][] = [
  ['src/transport/x.ts', '../at/framer.js'],
  ['src/at/x.ts', '../sms/inbox.js'],
  ['src/at/x.ts', '../modem/modem-session.js'],
  ['src/modem/x.ts', '../sms/gsm7.js'],
  ['src/sms/x.ts', '../store/index.js'],
  ['src/sms/x.ts', '../dispatch/router.js'],
  ['src/store/x.ts', '../sms/gsm7.js'],
  ['src/dispatch/x.ts', '../at/command.js'],
  ['src/dispatch/x.ts', '../store/index.js'],
  ['src/bridge/x.ts', '../api/wiring.js'],
  ['src/config/x.ts', '../api/wiring.js'],
  ['src/api/x.ts', '../cli/exit-codes.js'],
  ['src/api/x.ts', '../sim/virtual-modem.js'],
  // The simulator shares nothing with the driver, not even the shared leaves.
  ['src/sim/x.ts', '../at/framer.js'],
  ['src/sim/x.ts', '../sms/pdu.js'],
  ['src/sim/x.ts', '../modem/parsers.js'],
  ['src/sim/x.ts', '../errors.js'],
  ['src/sandbox/x.ts', '../store/index.js'],
  ['src/sandbox/x.ts', '../at/command.js'],
  ['src/cloud/x.ts', '../sms/gsm7.js'],
  ['src/transcript/x.ts', '../at/command.js'],
  ['src/bench/x.ts', '../cli/exit-codes.js'],
  ['src/errors.ts', './log.js'],
  ['src/log.ts', './errors.js'],
  ['src/sqlite.ts', './store/index.js'],
  ['src/index.ts', './sim/virtual-modem.js'],
  ['src/index.ts', './cli/exit-codes.js'],
  ['src/testing.ts', './at/framer.js'],
  // Packages owned by one boundary file.
  ['src/transport/stream-transport.ts', 'serialport'],
  ['src/at/x.ts', 'serialport'],
  ['src/sms/x.ts', 'node-pdu'],
  ['src/sim/x.ts', 'node-pdu'],
  ['src/at/x.ts', 'rxjs'],
  ['src/bridge/x.ts', 'rxjs/internal/Subject'],
  ['src/sim/x.ts', '../rx.js'],
];

const allowed: [string, string][] = [
  ['src/transport/x.ts', '../errors.js'],
  ['src/at/x.ts', '../transport/transport.js'],
  ['src/at/x.ts', '../transcript/transcript.js'],
  ['src/at/x.ts', './framer.js'],
  ['src/modem/x.ts', '../at/command.js'],
  ['src/sms/x.ts', '../at/command.js'],
  ['src/sms/x.ts', '../modem/retry.js'],
  ['src/store/x.ts', '../sqlite.js'],
  ['src/dispatch/x.ts', '../sms/gsm7.js'],
  ['src/bridge/x.ts', '../store/index.js'],
  ['src/config/x.ts', '../dispatch/dispatcher.js'],
  ['src/api/x.ts', '../bridge/bridge.js'],
  ['src/sim/x.ts', './gsm7.js'],
  ['src/sandbox/x.ts', '../sqlite.js'],
  ['src/sandbox/x.ts', '../sms/gsm7.js'],
  ['src/cli/x.ts', '../sim/virtual-modem.js'],
  ['src/cli/x.ts', '../cloud/index.js'],
  ['src/bench/x.ts', '../sim/pty-link.js'],
  ['src/index.ts', './api/create-bridge.js'],
  ['src/testing.ts', './sim/virtual-modem.js'],
  ['src/at/x.ts', 'node:events'],
  ['src/at/x.ts', '../rx.js'],
  ['src/rx.ts', 'rxjs/internal/Subject'],
  ['src/sim/x.ts', 'rxjs'],
  ['src/transport/serial-transport.ts', 'serialport'],
  ['src/sms/pdu.ts', 'node-pdu'],
  ['src/sim/sim-pdu.ts', 'node-pdu'],
];

describe('the layer graph', () => {
  it.each(forbidden)('refuses %s importing %s', async (file, source) => {
    const messages = await lint(file, use(source));
    expect(messages.map((m) => m.ruleId)).toEqual(['boundaries/dependencies']);
  });

  it.each(allowed)('lets %s import %s', async (file, source) => {
    expect(await lint(file, use(source))).toEqual([]);
  });

  it('refuses a type-only import, a re-export and a dynamic import across a forbidden edge alike', async () => {
    const sources = [
      `import type { InboxOptions } from '../sms/inbox.js';\nexport type Options = InboxOptions;\n`,
      `export { Inbox } from '../sms/inbox.js';\n`,
      `export const load = () => import('../sms/inbox.js');\n`,
    ];
    for (const code of sources) {
      const messages = await lint('src/at/x.ts', code);
      expect(messages.map((m) => m.ruleId), code).toEqual(['boundaries/dependencies']);
    }
  });

  it('names the owner files when a package is imported elsewhere', async () => {
    const [message] = await lint('src/at/x.ts', use('serialport'));
    expect(message?.message).toContain('src/transport/serial-transport.ts');
  });

  it('refuses a file in a folder that the table does not name', async () => {
    const messages = await lint('src/newfolder/x.ts', 'export const x = 1;\n');
    expect(messages.map((m) => m.ruleId)).toEqual(['boundaries/no-unknown-files']);
  });
});
