/**
 * Runs a program for a command: `execFile`, never a shell, so no text from an SMS is ever parsed
 * as shell syntax; arguments come from a template and must match their declared patterns first.
 * The reply is the first line of stdout; a non-zero exit answers `ERR exit N: <first line of stderr>`.
 * The dispatcher's timeout aborts the context's signal, which kills the child (SIGKILL: a timed-out
 * action is presumed hung, and the reply already says so).
 */
import { execFile } from 'node:child_process';
import { ActionFailure, type Handler } from '../types.js';
import { compileArgTemplate, fillArgTemplate } from './template.js';

export interface ExecActionOptions {
  /** Absolute path, or a name looked up in PATH. */
  program: string;
  /** Argument template; `{1}`, `{2}`… are the words after the verb, `{json.key}` JSON values. */
  args?: readonly string[];
  /** Pattern per placeholder (`{ 1: '[0-9]{1,3}' }`); the whole value must match. */
  params?: Readonly<Record<string, string>>;
  /** Extra environment variables. The child gets only PATH, HOME, LANG and TZ besides these, so secrets in our environment stay ours. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
}

const MAX_OUTPUT_BYTES = 64 * 1024;
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TZ'];

export function execHandler(name: string, options: ExecActionOptions): Handler {
  const template = compileArgTemplate(options.args ?? [], options.params);
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, options.env);

  return ({ args, json, signal, log }) => {
    const filled = fillArgTemplate(template, { args, json });
    if (!filled.ok) throw new ActionFailure(`ERR ${name}: ${filled.message}`);
    return new Promise<string | null>((resolve, reject) => {
      const child = execFile(
        options.program,
        filled.argv,
        { signal, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, env, encoding: 'utf8', windowsHide: true, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) },
        (error, stdout, stderr) => {
          if (error === null) return resolve(firstLine(stdout));
          if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : error);
          if (typeof error.code === 'number') return reject(new ActionFailure(`ERR exit ${error.code}: ${firstLine(stderr) ?? ''}`.trimEnd()));
          if (error.signal) return reject(new ActionFailure(`ERR ${name}: killed by ${error.signal}`));
          reject(error);
        },
      );
      log.debug({ action: name, program: options.program, args: filled.argv, pid: child.pid }, 'exec started');
    });
  };
}

/** First non-empty line, without its line end; null when there is none. */
export function firstLine(text: string): string | null {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
  return line === undefined ? null : line.trimEnd();
}
