import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connection, registerCloudCommand } from '../../src/cli/cloud-command.js';
import { FakeModem, openApi, type Api } from '../sandbox/helpers.js';

let api: Api;
let simSid: string;

beforeEach(async () => {
  api = await openApi();
  simSid = api.sandbox.registry.createSim({ uniqueName: 'meter-1' }).sid;
  api.sandbox.attach(simSid, new FakeModem());
});
afterEach(async () => {
  await api.close();
  process.exitCode = undefined;
});

/** Runs `smsbridge cloud …` in process; credentials come from the environment. */
async function cloud(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ out: string; exitCode: number | undefined }> {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const program = new Command().exitOverride();
  registerCloudCommand(program, {
    out: sink,
    env: { KORE_API_URL: api.sandbox.url, KORE_CLIENT_ID: api.sandbox.account.clientId, KORE_CLIENT_SECRET: api.sandbox.account.clientSecret, ...env },
  });
  process.exitCode = undefined;
  await program.parseAsync(['node', 'smsbridge', 'cloud', ...args]);
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out, exitCode };
}

describe('smsbridge cloud', () => {
  it('send posts a command and prints it; get prints it again', async () => {
    const sent = await cloud(['send', '--sim', 'meter-1', '--payload', 'ping 42', '--callback-method', 'GET', '--callback-url', 'http://127.0.0.1:9/cb']);
    expect(sent.exitCode).toBeUndefined();
    const command = JSON.parse(sent.out) as { sid: string; status: string; simSid: string };
    expect(command).toMatchObject({ status: 'queued', simSid, payload: 'ping 42', direction: 'to_sim' });
    const got = await cloud(['get', command.sid]);
    expect(JSON.parse(got.out)).toMatchObject({ sid: command.sid, payload: 'ping 42' });
  });

  it('list prints one JSON line per command across pages, with filters and a limit', async () => {
    for (let i = 0; i < 3; i++) {
      api.clock.advance(1000);
      api.sandbox.commands.create({ simSid, payload: `r${i}`, direction: 'from_sim', status: 'received' });
    }
    const all = await cloud(['list', '--page-size', '1', '--direction', 'from_sim', '--sim', 'meter-1', '--status', 'received']);
    expect(all.out.trim().split('\n').map((line) => (JSON.parse(line) as { payload: string }).payload)).toEqual(['r2', 'r1', 'r0']);
    const two = await cloud(['list', '--limit', '2']);
    expect(two.out.trim().split('\n')).toHaveLength(2);
  });

  it('takes flags over the environment, and says what is wrong with exit codes', async () => {
    const flags = await cloud(['list', '--client-secret', 'wrong']);
    expect(flags.exitCode).toBe(1);
    const missing = await cloud(['get', `HC${'0'.repeat(32)}`]);
    expect(missing.exitCode).toBe(1);
    const noCredentials = await cloud(['list'], { KORE_CLIENT_ID: '', KORE_CLIENT_SECRET: '' });
    expect(noCredentials.exitCode).toBe(2);
  });

  it('derives the token URL from a non-default base URL, and keeps the real one otherwise', () => {
    const creds = { clientId: 'i', clientSecret: 's' };
    expect(connection({ ...creds, baseUrl: 'http://127.0.0.1:8080/' }, {})?.tokenUrl).toBe('http://127.0.0.1:8080/api-services/v1/auth/token');
    expect(connection(creds, {})).toMatchObject({ baseUrl: 'https://supersim.api.korewireless.com', tokenUrl: 'https://api.korewireless.com/api-services/v1/auth/token' });
    expect(connection(creds, { KORE_TOKEN_URL: 'http://127.0.0.1:1/t' })?.tokenUrl).toBe('http://127.0.0.1:1/t');
    expect(connection({}, {})).toBeUndefined();
  });
});
