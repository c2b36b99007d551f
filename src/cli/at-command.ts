import type { Command } from 'commander';
import { TracedTransport } from '../at/traced-transport.js';
import { AtChannel } from '../at/at-channel.js';
import { at } from '../at/command.js';
import { isBridgeError } from '../errors.js';
import { modemUrcs } from '../modem/profiles.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { escapeBytes } from '../transcript/transcript.js';
import { EXIT, fail } from './exit-codes.js';

export function registerAtCommand(program: Command): void {
  program
    .command('at')
    .description('send AT commands to a modem port and print the answers and any URCs')
    .requiredOption('-p, --port <path>', 'serial port of the modem, e.g. /dev/ttyUSB2')
    .option('-b, --baud <n>', 'baud rate', (v) => parseBaud(v), 115200)
    .option('-t, --timeout <ms>', 'timeout per command in milliseconds', (v) => Number(v), 5000)
    .option('-w, --wait <ms>', 'keep listening for URCs this long after the last answer', (v) => Number(v), 0)
    .option('--trace', 'print the raw traffic (» host to modem, « modem to host)')
    .argument('<command...>', 'AT commands, e.g. AT+CSQ "AT+CMGL=\\"ALL\\""')
    .addHelpText('after', '\nExit codes: 0 all commands OK, 1 a command failed, 2 bad arguments, 3 port problem.')
    .action(async (commands: string[], options: { port: string; baud: number; timeout: number; wait: number; trace?: boolean }) => {
      let transport: SerialTransport;
      try {
        transport = await SerialTransport.open({ path: options.port, baudRate: options.baud });
      } catch (error) {
        return fail(EXIT.PORT, (error as Error).message);
      }
      const traced = new TracedTransport(transport);
      const channel = new AtChannel(traced, { urcs: modemUrcs() });
      if (options.trace) traced.traffic$.subscribe((t) => console.log(`${t.direction === 'tx' ? '»' : '«'} ${escapeBytes(t.bytes)}`));
      channel.urc$.subscribe((u) => console.log(`URC ${u.line}`));
      let failed = false;
      for (const text of commands) {
        try {
          const response = await channel.send(at(text, { timeoutMs: options.timeout }));
          for (const line of response.lines) console.log(line);
          console.log(response.final);
        } catch (error) {
          failed = true;
          console.log(isBridgeError(error) ? `${error.code}: ${error.message}` : String(error));
          if (isBridgeError(error, 'PORT_CLOSED')) return fail(EXIT.PORT, 'the port closed');
        }
      }
      if (options.wait > 0) await new Promise((r) => setTimeout(r, options.wait));
      await channel.close();
      process.exitCode = failed ? EXIT.FAILURE : EXIT.OK;
    });
}

function parseBaud(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--baud must be a positive integer, got ${value}`);
  return n;
}
