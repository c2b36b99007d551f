/**
 * `smsbridge cloud send|get|list`: the SMS Commands API from the shell, through the typed client.
 * Connection settings come from flags or the environment (KORE_API_URL, KORE_TOKEN_URL,
 * KORE_CLIENT_ID, KORE_CLIENT_SECRET). Output is JSON: one document for send/get, one line per
 * command for list.
 */
import type { Writable } from 'node:stream';
import { Option, type Command } from 'commander';
import { DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, SmsCommandsClient } from '../cloud/client.js';
import { isCloudApiError } from '../cloud/cloud-error.js';
import { SMS_COMMAND_STATUSES, type SmsCommandDirection, type SmsCommandStatus } from '../cloud/sms-command.js';
import { EXIT, fail } from './exit-codes.js';

interface ConnectionFlags {
  baseUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
}

export interface CloudIo {
  out: Writable;
  env: NodeJS.ProcessEnv;
}

/**
 * The token URL: the flag, else the environment, else — when the base URL is not the real
 * service's — the sandbox's path on the same host, else the reference's tokenUrl.
 */
export function connection(flags: ConnectionFlags, env: NodeJS.ProcessEnv) {
  const baseUrl = flags.baseUrl ?? env.KORE_API_URL ?? DEFAULT_BASE_URL;
  const tokenUrl = flags.tokenUrl ?? env.KORE_TOKEN_URL ?? (baseUrl === DEFAULT_BASE_URL ? DEFAULT_TOKEN_URL : `${baseUrl.replace(/\/$/, '')}/api-services/v1/auth/token`);
  const clientId = flags.clientId ?? env.KORE_CLIENT_ID;
  const clientSecret = flags.clientSecret ?? env.KORE_CLIENT_SECRET;
  if (!clientId || !clientSecret) return undefined;
  return { baseUrl, tokenUrl, clientId, clientSecret };
}

const withConnection = (command: Command) =>
  command
    .option('--base-url <url>', `API base URL (env KORE_API_URL; default ${DEFAULT_BASE_URL})`)
    .option('--token-url <url>', 'OAuth token URL (env KORE_TOKEN_URL; default the real one, or <base-url>/api-services/v1/auth/token for another base URL)')
    .option('--client-id <id>', 'OAuth client id (env KORE_CLIENT_ID)')
    .option('--client-secret <secret>', 'OAuth client secret (env KORE_CLIENT_SECRET)');

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${value}`);
  return n;
};

export function registerCloudCommand(program: Command, io: CloudIo = { out: process.stdout, env: process.env }): void {
  const cloud = program.command('cloud').description('send, fetch and list SMS Commands through the Super SIM API (or the sandbox)');
  const print = (value: unknown, pretty = true) => io.out.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);

  /** Runs `work` with a client, turning API failures into exit codes. */
  const run = async (flags: ConnectionFlags, work: (client: SmsCommandsClient) => Promise<void>) => {
    const settings = connection(flags, io.env);
    if (!settings) return fail(EXIT.USAGE, 'client credentials are required: --client-id and --client-secret, or KORE_CLIENT_ID and KORE_CLIENT_SECRET');
    try {
      await work(new SmsCommandsClient(settings));
    } catch (error) {
      if (isCloudApiError(error)) return fail(EXIT.FAILURE, `${error.status}${error.code !== undefined ? ` (${error.code})` : ''}: ${error.message}`);
      throw error;
    }
  };

  withConnection(cloud.command('send'))
    .description('send an SMS Command to a SIM (POST /v1/SmsCommands)')
    .requiredOption('--sim <sim>', 'SID or unique name of the SIM')
    .requiredOption('--payload <text>', 'the command, at most 160 GSM-7 characters')
    .option('--callback-url <url>', 'called at every status change')
    .addOption(new Option('--callback-method <method>', 'method for the callback (default POST)').choices(['GET', 'POST']))
    .action((o: ConnectionFlags & { sim: string; payload: string; callbackUrl?: string; callbackMethod?: 'GET' | 'POST' }) =>
      run(o, async (client) => {
        print(
          await client.create({
            sim: o.sim,
            payload: o.payload,
            ...(o.callbackUrl !== undefined ? { callbackUrl: o.callbackUrl } : {}),
            ...(o.callbackMethod !== undefined ? { callbackMethod: o.callbackMethod } : {}),
          }),
        );
      }),
    );

  withConnection(cloud.command('get'))
    .description('fetch one SMS Command (GET /v1/SmsCommands/{Sid})')
    .argument('<sid>', 'the HC… SID')
    .action((sid: string, o: ConnectionFlags) =>
      run(o, async (client) => {
        print(await client.fetch(sid));
      }),
    );

  withConnection(cloud.command('list'))
    .description('list SMS Commands, newest first, one JSON line each (GET /v1/SmsCommands, every page)')
    .option('--sim <sim>', 'SID or unique name of the SIM')
    .addOption(new Option('--status <status>', 'only this status').choices(SMS_COMMAND_STATUSES))
    .addOption(new Option('--direction <direction>', 'only this direction').choices(['to_sim', 'from_sim']))
    .option('--page-size <n>', 'commands per request (default 50, at most 1000)', positive)
    .option('--limit <n>', 'stop after this many commands', positive)
    .action((o: ConnectionFlags & { sim?: string; status?: SmsCommandStatus; direction?: SmsCommandDirection; pageSize?: number; limit?: number }) =>
      run(o, async (client) => {
        let count = 0;
        const params = {
          ...(o.sim !== undefined ? { sim: o.sim } : {}),
          ...(o.status !== undefined ? { status: o.status } : {}),
          ...(o.direction !== undefined ? { direction: o.direction } : {}),
          ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
        };
        for await (const command of client.list(params)) {
          if (o.limit !== undefined && count >= o.limit) break;
          print(command, false);
          count++;
        }
      }),
    );
}
