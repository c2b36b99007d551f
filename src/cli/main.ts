#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAtCommand } from './at-command.js';
import { registerCloudCommand } from './cloud-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSandboxCommand } from './sandbox-command.js';
import { registerSimCommand } from './sim-command.js';
import { registerModemCommands } from './modem-commands.js';
import { registerStoreCommands } from './store-commands.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('smsbridge')
  .description('Turns Super SIM SMS Commands into device actions over a USB cellular modem')
  .version(pkg.version)
  .showHelpAfterError();

registerRunCommand(program);
registerStoreCommands(program);
registerModemCommands(program);
registerReplayCommand(program);
registerAtCommand(program);
registerSimCommand(program);
registerSandboxCommand(program);
registerCloudCommand(program);

await program.parseAsync(process.argv);
