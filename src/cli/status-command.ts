import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readStatus, statusPathFor } from '../api/status-file.js';
import { loadConfig, type Config } from '../config/config.js';
import { BridgeStore } from '../store/bridge-store.js';
import { EXIT, fail } from './exit-codes.js';

/** "3 min ago" from an ISO time. */
export function ago(iso: string | Date | undefined, now = Date.now()): string {
  if (iso === undefined) return '';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 129_600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('how the bridge running on this configuration is: session, modem, signal, storage, queue, last command and error')
    .option('-c, --config <file>', 'YAML configuration (default: $SMSBRIDGE_CONFIG, else built-in defaults)')
    .option('--db <path>', 'store path (overrides the configuration)')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExit codes: 0 running and ready, 6 running but not ready (the modem is on its way back), 7 not running, 2 bad configuration.')
    .action((options: { config?: string; db?: string; json?: boolean }) => {
      let config: Config;
      try {
        config = loadConfig(options.config);
      } catch (error) {
        return fail(EXIT.USAGE, (error as Error).message);
      }
      const storePath = options.db ?? config.store.path;
      const reading = readStatus(statusPathFor(storePath));
      const store = existsSync(storePath) ? BridgeStore.open(storePath) : undefined;
      let queue: { queued: number; sending: number } | undefined;
      let lastCommand: { text: string; sender: string; state: string; at: Date } | undefined;
      try {
        if (store) {
          const pending = store.pendingOutbound();
          queue = { queued: pending.queued.length, sending: pending.sending.length };
          const [last] = store.history({ direction: 'inbound', limit: 1 });
          if (last?.direction === 'inbound') lastCommand = { text: last.text, sender: last.sender, state: last.state, at: last.at };
        }
      } finally {
        store?.close();
      }
      const status = reading.status;
      if (options.json) {
        console.log(JSON.stringify({ running: reading.running, ...(reading.running ? {} : { why: reading.why }), status, queue, lastCommand }));
      } else {
        const lines: string[] = [];
        lines.push(reading.running ? `running: pid ${status!.pid}, smsbridge ${status!.version}, since ${status!.startedAt} (${ago(status!.startedAt)})` : `not running: ${reading.why}`);
        if (status) {
          lines.push(`session: ${status.state} since ${ago(status.stateSince)}: ${status.stateReason}`);
          const m = status.modem;
          if (m) {
            lines.push(`modem: ${[m.manufacturer, m.model].filter(Boolean).join(' ')}${m.imei ? `, IMEI ${m.imei}` : ''}`);
            lines.push(`signal: ${m.signalDbm === undefined ? 'unknown' : `${m.signalDbm} dBm`}${m.operator ? `, ${m.operator}` : ''}${m.registration ? `, ${m.registration}` : ''}`);
            if (m.storage) lines.push(`storage: ${m.storage.name} ${m.storage.used}/${m.storage.total}`);
          }
          lines.push(`last error: ${status.lastError ? `${status.lastError.message} (${ago(status.lastError.at)})` : 'none'}`);
        }
        if (queue) lines.push(`queue: ${queue.queued} to send, ${queue.sending} in flight`);
        lines.push(`last command: ${lastCommand ? `${JSON.stringify(lastCommand.text)} from ${lastCommand.sender}, ${lastCommand.state} (${ago(lastCommand.at)})` : 'none yet'}`);
        console.log(lines.join('\n'));
      }
      if (!reading.running) process.exitCode = EXIT.NOT_RUNNING;
      else if (status!.state !== 'ready') process.exitCode = EXIT.NOT_READY;
    });
}
