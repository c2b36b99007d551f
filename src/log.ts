/**
 * The logger shape every layer takes: the subset of pino's API we use, so a pino logger fits
 * as is and tests can pass a silent or recording one.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

type LogFn = (obj: object | string, msg?: string) => void;

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  isLevelEnabled(level: LogLevel): boolean;
}

const noop: LogFn = () => {};

export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  isLevelEnabled: () => false,
};

/** A logger that keeps its entries, for tests that assert something was logged. */
export function memoryLogger(): Logger & { entries: { level: LogLevel; msg: string; obj?: object }[] } {
  const entries: { level: LogLevel; msg: string; obj?: object }[] = [];
  const at = (level: LogLevel): LogFn => (obj, msg) =>
    typeof obj === 'string' ? entries.push({ level, msg: obj }) : entries.push({ level, msg: msg ?? '', obj });
  return {
    entries,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isLevelEnabled: () => true,
  };
}
