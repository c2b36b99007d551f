import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger, LogLevel } from '../log.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/**
 * Structured logs with pino: JSON lines for journald and log shippers, or (on a terminal) one
 * readable line each — `15:04:05.123 INFO  modem ready profile=quectel`.
 */
export function createLogger(options: { level: LogLevel; pretty?: boolean; destination?: NodeJS.WritableStream }): Logger {
  const destination = options.destination ?? process.stderr;
  const pretty = options.pretty ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const stream = pretty ? prettyStream(destination) : destination;
  return pino({ level: options.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream) as unknown as Logger;
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const { level, time, msg, ...fields } = JSON.parse(line) as { level: number; time: string; msg?: string } & Record<string, unknown>;
          const extras = Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          out.write(`${String(time).slice(11, 23)} ${LEVEL_NAMES[level] ?? level} ${msg ?? ''}${extras ? ` ${extras}` : ''}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      callback();
    },
  });
}
