/**
 * `smsbridge sandbox` as its own process (the built CLI), as a developer runs it: the console's
 * bench and screenshot talk to it over HTTP only, the way a browser and a client do.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SandboxProcess {
  readonly url: string;
  readonly consoleUrl: string;
  /** Everything it printed so far. */
  output(): string;
  /** A bearer token for the public API, from the credentials it printed. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `<cliArgv> sandbox --port 0 <args>` and resolves once it printed its console address. */
export async function startSandboxProcess(cliArgv: string[], args: string[]): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(process.execPath, [...cliArgv, 'sandbox', '--port', '0', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const consoleUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox printed no console address in 30 s:\n${text}`)), 30_000);
    const look = () => {
      const match = /console: (http:\/\/\S+)/.exec(text);
      if (match && /client secret +\S+/.test(text)) {
        clearTimeout(timer);
        child.stdout!.off('data', look);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before printing its console address:\n${text}`)));
  });
  const url = consoleUrl.replace(/\/$/, '');
  const field = (name: string) => new RegExp(`${name} +(\\S+)`).exec(text)![1]!;
  return {
    url,
    consoleUrl,
    output: () => text,
    async token() {
      const response = await fetch(`${url}/api-services/v1/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: field('client id'), client_secret: field('client secret') }),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** POSTs an SMS Command through the public API; throws on anything but 201. */
export async function postCommand(sandbox: SandboxProcess, token: string, sim: string, payload: string): Promise<void> {
  const response = await fetch(`${sandbox.url}/v1/SmsCommands`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams({ Sim: sim, Payload: payload }) });
  if (response.status !== 201) throw new Error(`POST /v1/SmsCommands answered ${response.status}: ${await response.text()}`);
}
