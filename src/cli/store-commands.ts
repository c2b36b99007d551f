import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readStatus, statusPathFor } from '../api/status-file.js';
import { CONFIG_ENV, loadConfig, type Config } from '../config/config.js';
import { checkSmsText } from '../sms/gsm7.js';
import { BridgeStore } from '../store/bridge-store.js';
import type { HistoryEntry } from '../store/types.js';
import { EXIT, fail } from './exit-codes.js';

/** Where scripts/install.sh puts the configuration the systemd unit runs with. */
const INSTALLED_CONFIG = '/etc/smsbridge/smsbridge.yaml';

export function registerStoreCommands(program: Command): void {
  program
    .command('send')
    .description('queue an SMS for the bridge running on this configuration to send (to 000 unless --to); it is sent within seconds')
    .argument('<text>', 'the message: one SMS, at most 160 GSM-7 characters')
    .option('--to <number>', 'recipient (default: sms.replyTo from the configuration, 000)')
    .option('-c, --config <file>', 'YAML configuration (for the store path)')
    .option('--db <path>', 'store path (overrides the configuration)')
    .option('--queue', 'queue it even when no bridge runs on this store (the next one to start sends it)')
    .option('-p, --port <path>', 'send it now, directly on this port, which no bridge may hold (AT+CMGS; nothing is queued)')
    .option('--wait <seconds>', 'with --port: how long to wait for the modem to be usable', (v) => Number(v), 20)
    .addHelpText(
      'after',
      '\nThe configuration is the one `run` uses: --config, else $SMSBRIDGE_CONFIG, else /etc/smsbridge/smsbridge.yaml when it exists.' +
        '\nExit codes: 0 queued (and a bridge runs that will send it) or, with --port, sent; 1 the text cannot be sent as one SMS or the modem refused it;' +
        '\n2 bad arguments or configuration; 3 the port cannot be opened (a bridge may hold it); 7 no bridge runs on this store (nothing queued; --queue queues anyway).',
    )
    .action(async (text: string, options: { to?: string; config?: string; db?: string; queue?: boolean; port?: string; wait: number }) => {
      let config: Config;
      try {
        config = loadConfig(options.config ?? (process.env[CONFIG_ENV] === undefined && existsSync(INSTALLED_CONFIG) ? INSTALLED_CONFIG : undefined));
      } catch (error) {
        return fail(EXIT.USAGE, (error as Error).message);
      }
      const to = options.to ?? config.sms.replyTo;
      if (!/^\+?[0-9]{1,20}$/.test(to)) return fail(EXIT.USAGE, `--to ${JSON.stringify(to)} is not a phone number`);
      const check = checkSmsText(text);
      if (!check.ok) return fail(EXIT.FAILURE, check.message);
      if (options.port !== undefined) return sendOnPort(options.port, text, to, config, options.wait * 1000);
      const storePath = options.db ?? config.store.path;
      const bridge = readStatus(statusPathFor(storePath));
      if (!bridge.running && !options.queue) {
        return fail(EXIT.NOT_RUNNING, `no bridge runs on ${storePath} (${bridge.why}): nothing queued. Start it, point --config at its configuration, or add --queue.`);
      }
      const store = BridgeStore.open(storePath);
      try {
        const { id } = store.enqueueOutbound({ to, text });
        const who = bridge.running ? `the bridge (pid ${bridge.status.pid}, ${bridge.status.state}) sends it` : 'no bridge runs: the next one to start sends it';
        console.log(`queued #${id} to ${to} (${check.units} septets); ${who}`);
      } finally {
        store.close();
      }
    });

  program
    .command('history')
    .description('list recent commands and replies from the store, newest first')
    .option('-n, --limit <n>', 'how many entries', (v) => Number(v), 20)
    .option('--direction <dir>', 'inbound or outbound')
    .option('--json', 'one JSON object per line')
    .option('-c, --config <file>', 'YAML configuration (for the store path)')
    .option('--db <path>', 'store path (overrides the configuration)')
    .action((options: { limit: number; direction?: string; json?: boolean; config?: string; db?: string }) => {
      if (!Number.isInteger(options.limit) || options.limit <= 0) return fail(EXIT.USAGE, '--limit must be a positive integer');
      if (options.direction && !['inbound', 'outbound'].includes(options.direction)) return fail(EXIT.USAGE, '--direction must be inbound or outbound');
      let config: Config;
      try {
        config = loadConfig(options.config);
      } catch (error) {
        return fail(EXIT.USAGE, (error as Error).message);
      }
      const store = BridgeStore.open(options.db ?? config.store.path);
      try {
        const entries = store.history({ limit: options.limit, ...(options.direction ? { direction: options.direction as 'inbound' | 'outbound' } : {}) });
        for (const entry of entries) console.log(options.json ? JSON.stringify(entry) : describe(entry));
        if (!options.json) {
          const stats = store.stats();
          console.log(`-- ${entries.length} shown; uncertain resends so far: ${stats.uncertainRetries}; duplicates ignored: ${stats.duplicates}`);
        }
      } finally {
        store.close();
      }
    });
}

function describe(entry: HistoryEntry): string {
  const at = entry.at.toISOString().replace('T', ' ').slice(0, 19);
  if (entry.direction === 'inbound') return `${at}  ◀ #${entry.id} from ${entry.sender} [${entry.state}] ${entry.text}`;
  const mr = entry.messageReference === null ? '' : ` mr=${entry.messageReference}`;
  return `${at}  ▶ #${entry.id} to ${entry.to} [${entry.status}${mr}] ${entry.text}`;
}

/** `send --port`: opens the modem itself (exclusively: a port a bridge holds cannot be opened) and sends with AT+CMGS. */
async function sendOnPort(port: string, text: string, to: string, config: Config, waitMs: number): Promise<void> {
  const [{ openModem }, { SmsService }, { isBridgeError }] = await Promise.all([import('../api/open-modem.js'), import('../sms/sms-service.js'), import('../errors.js')]);
  let session;
  try {
    session = await openModem({ port, baud: config.baud, giveUpAfterMs: waitMs, profile: config.profile, sms: { mode: config.sms.mode, delivery: 'store' }, ...(config.secrets.pin ? { pin: config.secrets.pin.reveal() } : {}) });
  } catch (error) {
    // Never usable within the wait: the port cannot be opened (held by a bridge) or nothing answers on it.
    const code = isBridgeError(error, 'NOT_READY') || isBridgeError(error, 'PORT_OPEN_FAILED') || isBridgeError(error, 'NO_PORT_FOUND') ? EXIT.PORT : EXIT.FAILURE;
    return fail(code, `cannot use ${port}: ${(error as Error).message}${code === EXIT.PORT ? ' (if a bridge runs on it, send without --port)' : ''}`);
  }
  try {
    const { messageReference } = await new SmsService({ modem: session, mode: config.sms.mode, defaultRecipient: to }).send(text, { to });
    console.log(`sent to ${to} on ${port} (message reference ${messageReference})`);
  } catch (error) {
    fail(EXIT.FAILURE, `the modem did not send it: ${(error as Error).message}`);
  } finally {
    await session.close();
  }
}
