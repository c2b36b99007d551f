#!/usr/bin/env node
// First: V8 settings for `run`, before any other module allocates.
import './lean.js';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('smsbridge')
  .description('Turns Super SIM SMS Commands into device actions over a USB cellular modem')
  .version(pkg.version)
  .showHelpAfterError();

type Register = (program: Command) => void;
/** Each command's module, loaded only when needed: `smsbridge run` never loads the sandbox, the cloud client or the simulator. */
const COMMANDS: readonly (readonly [string[], () => Promise<Register>])[] = [
  [['run'], async () => (await import('./run-command.js')).registerRunCommand],
  [['status'], async () => (await import('./status-command.js')).registerStatusCommand],
  [['send', 'history'], async () => (await import('./store-commands.js')).registerStoreCommands],
  [['detect', 'info'], async () => (await import('./modem-commands.js')).registerModemCommands],
  [['replay'], async () => (await import('./replay-command.js')).registerReplayCommand],
  [['at'], async () => (await import('./at-command.js')).registerAtCommand],
  [['sim'], async () => (await import('./sim-command.js')).registerSimCommand],
  [['sandbox'], async () => (await import('./sandbox-command.js')).registerSandboxCommand],
  [['cloud'], async () => (await import('./cloud-command.js')).registerCloudCommand],
];
const named = COMMANDS.find(([names]) => names.includes(process.argv[2] ?? ''));
for (const [, load] of named ? [named] : COMMANDS) (await load())(program);

await program.parseAsync(process.argv);
