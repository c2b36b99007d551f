import type { Logger, LogLevel } from '../log.js';

const LEVELS: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR' };

/**
 * Structured logs: JSON lines in pino's shape (`{"level":30,"time":"…","msg":"…",…}`) for journald
 * and log shippers, or (on a terminal) one readable line each — `15:04:05.123 INFO  modem ready profile=quectel`.
 * Written by hand rather than with pino: the daemon logs a few lines an hour, and pino with its
 * worker-thread transport machinery cost about 4 MiB of resident memory (issue 14).
 */
export function createLogger(options: { level: LogLevel; pretty?: boolean; destination?: NodeJS.WritableStream }): Logger {
  const out = options.destination ?? process.stderr;
  const pretty = options.pretty ?? Boolean((out as { isTTY?: boolean }).isTTY);
  const threshold = LEVELS[options.level];
  const at = (level: LogLevel) => {
    const value = LEVELS[level];
    if (value < threshold) return () => {};
    return (obj: object | string, msg?: string) => {
      const fields = typeof obj === 'string' ? {} : obj;
      const text = typeof obj === 'string' ? obj : msg;
      const time = new Date().toISOString();
      out.write(pretty ? prettyLine(value, time, text, fields) : `${stringify({ level: value, time, ...fields, ...(text === undefined ? {} : { msg: text }) })}\n`);
    };
  };
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isLevelEnabled: (level) => LEVELS[level] >= threshold,
  };
}

function prettyLine(level: number, time: string, msg: string | undefined, fields: object): string {
  const extras = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : stringify(v)}`)
    .join(' ');
  return `${time.slice(11, 23)} ${LEVEL_NAMES[level] ?? level} ${msg ?? ''}${extras ? ` ${extras}` : ''}\n`;
}

/** JSON that never throws: errors keep their message and stack, cycles and bigints are named. */
function stringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Error) return { type: v.name, message: v.message, stack: v.stack };
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  });
}
