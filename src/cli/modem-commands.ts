import type { Command } from 'commander';
import { at } from '../at/command.js';
import type { PinAttempts } from '../modem/profiles.js';
import { ModemSession } from '../modem/modem-session.js';
import { detectPort, listCandidates } from '../modem/port-detect.js';
import { SerialTransport } from '../transport/serial-transport.js';
import { EXIT, fail } from './exit-codes.js';
import { createLogger } from './logger.js';
import { portOpener, probeAt } from '../api/open-port.js';

export function registerModemCommands(program: Command): void {
  program
    .command('detect')
    .description('find the modem AT port: list candidate ports from /sys (no udev needed), say why, and probe each with AT')
    .option('-b, --baud <n>', 'baud rate for probing', (v) => Number(v), 115200)
    .option('--no-probe', 'only list candidates, do not open them')
    .addHelpText('after', '\nExit codes: 0 a port answered, 1 none answered, 3 no candidate ports.')
    .action(async (options: { baud: number; probe: boolean }) => {
      const candidates = listCandidates();
      if (candidates.length === 0) return fail(EXIT.PORT, 'no serial ports found (is the modem plugged in, and is ModemManager keeping it?)');
      if (!options.probe) {
        for (const c of candidates) console.log(`${c.path}  ${c.reason}`);
        return;
      }
      const { found, tried } = await detectPort((path) => probeAt(path, options.baud), { candidates });
      for (const { candidate, answered } of tried) console.log(`${answered ? 'OK  ' : 'no  '}${candidate.path}  ${candidate.reason}`);
      if (found) console.log(`\nAT port: ${found.path}`);
      else process.exitCode = EXIT.FAILURE;
    });

  program
    .command('info')
    .description('initialise the modem and print its identity, registration, signal and SMS storage')
    .option('-p, --port <path>', 'modem port, or "auto"', 'auto')
    .option('-b, --baud <n>', 'baud rate', (v) => Number(v), 115200)
    .option('--pin <pin>', 'SIM PIN, if the SIM asks for one')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExit codes: 0 printed, 1 the modem did not initialise, 3 the port could not be opened.')
    .action(async (options: { port: string; baud: number; pin?: string; json?: boolean }) => {
      const log = createLogger({ level: 'warn' });
      let open;
      try {
        open = (await portOpener(options.port, options.baud, log)).open;
      } catch (error) {
        return fail(EXIT.PORT, (error as Error).message);
      }
      const session = new ModemSession({
        open: open as () => Promise<SerialTransport>,
        sms: { mode: 'text', delivery: 'store', statusReports: false },
        ...(options.pin ? { pin: options.pin } : {}),
        log,
        // A one-shot command: give up when the modem does not answer, rather than supervise forever.
        maxOfflineMs: 20_000,
        settingsCheckMs: 0,
      });
      try {
        const result = await session.start();
        const info = result.info;
        // The counters are worth one more exchange here, not at every start of the daemon.
        const counters = await session
          .send(at(result.profile.pinAttempts.command, { prefix: undefined }))
          .then((answer) => result.profile.pinAttempts.parse(answer.lines))
          .catch(() => ({}) as PinAttempts);
        info.sim = {
          state: info.sim?.state ?? 'READY',
          ...(counters.pin === undefined ? {} : { pinAttempts: counters.pin }),
          ...(counters.puk === undefined ? {} : { pukAttempts: counters.puk }),
        };
        if (options.json) console.log(JSON.stringify(info, null, 2));
        else {
          const rows: [string, unknown][] = [
            ['modem', `${info.manufacturer} ${info.model} (${info.firmware})`],
            ['profile', info.profile],
            ['IMEI', info.imei],
            ['IMSI', info.imsi],
            ['ICCID', info.iccid],
            ['SIM', [info.sim.state, info.sim.pinAttempts === undefined ? '' : `${info.sim.pinAttempts} PIN attempts left`, info.sim.pukAttempts === undefined ? '' : `${info.sim.pukAttempts} PUK`].filter(Boolean).join(', ')],
            ['registration', info.registration],
            ['operator', info.operator],
            ['signal', info.signalDbm === undefined ? undefined : `${info.signalDbm} dBm`],
            ['SMS storage', info.storage ? `${info.storage.name} ${info.storage.used}/${info.storage.total}` : undefined],
            ['indications', info.cnmi],
          ];
          for (const [name, value] of rows) console.log(`${name.padEnd(13)} ${value ?? '-'}`);
          // What the identity answers left in doubt (src/modem/identity.ts), after what was decoded.
          for (const warning of info.identityWarnings ?? []) console.log(`${'warning'.padEnd(13)} ${warning}`);
        }
      } catch (error) {
        fail(EXIT.FAILURE, (error as Error).message);
      } finally {
        await session.close();
      }
    });
}
