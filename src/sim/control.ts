/**
 * The simulator's control interface as data: requests (from JSON over HTTP or from text
 * lines on stdin) applied to a VirtualModem. Transport-free so it is tested directly.
 */
import type { FailResult, VirtualModem } from './virtual-modem.js';

export type FaultRequest =
  | { type: 'garbage'; bytes: string }
  | { type: 'drop' }
  | { type: 'latency'; ms: number; command?: string }
  | { type: 'fail'; command: string; result: FailResult }
  | { type: 'reboot'; silent?: boolean }
  | { type: 'unplug'; ms?: number }
  | { type: 'replug' }
  | { type: 'urc-during-prompt'; line: string }
  | { type: 'duplicate' }
  | { type: 'fill-storage' }
  | { type: 'silence'; on: boolean }
  | { type: 'sim-busy'; count: number }
  | { type: 'registration'; stat: number };

export type ControlRequest =
  | { action: 'deliver'; from: string; text: string; encoding?: 'gsm7' | 'ucs2' }
  | { action: 'outbox' }
  | { action: 'stored' }
  | { action: 'stats' }
  | { action: 'fault'; fault: FaultRequest }
  | { action: 'help' };

export const CONTROL_HELP = `commands:
  deliver <from> <text...>        network delivers an SMS (e.g. deliver 000 ping)
  outbox | stored | stats         what the device sent / what is stored / counters
  fault garbage <text>            write raw bytes (C escapes: \\r \\n \\xHH)
  fault drop                      swallow the next answer
  fault latency <ms> [command]    answer delay, for all or one command (+CMGL)
  fault fail <command> <result>   e.g. fault fail +CMGS +CMS ERROR: 500
  fault reboot [silent]           reset now (silent: without boot URCs)
  fault replug                    bring an unplugged modem back
  fault unplug [ms]               port disappears (and comes back after ms)
  fault urc-during-prompt <line>  a URC right after the next '> '
  fault duplicate                 re-deliver the last SMS byte for byte
  fault fill-storage              fill the receive memory
  fault silence on|off            stop / resume answering
  fault sim-busy <count>          next commands answer +CME ERROR: 14
  fault registration <stat>       +CREG stat (1 home, 5 roaming, 0 none)`;

/** Parses one stdin line; throws an Error with a usage hint when it makes no sense. */
export function parseControlLine(line: string): ControlRequest {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  const tail = line.trim().slice(word.length).trim();
  switch (word.toLowerCase()) {
    case 'deliver': {
      const [from, ...text] = rest;
      if (!from || text.length === 0) throw new Error('usage: deliver <from> <text...>');
      return { action: 'deliver', from, text: tail.slice(from.length).trim() };
    }
    case 'outbox':
    case 'stored':
    case 'stats':
    case 'help':
      return { action: word.toLowerCase() as 'outbox' | 'stored' | 'stats' | 'help' };
    case 'fault':
      return { action: 'fault', fault: parseFault(tail) };
    default:
      throw new Error(`unknown control command "${word}" (try: help)`);
  }
}

function parseFault(text: string): FaultRequest {
  const [type = '', ...args] = text.split(/\s+/);
  const after = text.slice(type.length).trim();
  const number = (value: string | undefined, name: string): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n)) throw new Error(`fault ${type}: ${name} must be a number`);
    return n;
  };
  switch (type) {
    case 'garbage':
      return { type, bytes: unescape(after) };
    case 'reboot':
      return args[0] === 'silent' ? { type, silent: true } : { type };
    case 'drop':
    case 'replug':
    case 'duplicate':
    case 'fill-storage':
      return { type };
    case 'latency':
      return args[1] ? { type, ms: number(args[0], 'ms'), command: args[1] } : { type, ms: number(args[0], 'ms') };
    case 'fail': {
      const [command, ...result] = args;
      if (!command || result.length === 0) throw new Error('usage: fault fail <command> <result>');
      return { type, command, result: after.slice(command.length).trim() };
    }
    case 'unplug':
      return args[0] ? { type, ms: number(args[0], 'ms') } : { type };
    case 'urc-during-prompt':
      return { type, line: after };
    case 'silence':
      return { type, on: args[0] !== 'off' };
    case 'sim-busy':
      return { type, count: number(args[0], 'count') };
    case 'registration':
      return { type, stat: number(args[0], 'stat') };
    default:
      throw new Error(`unknown fault "${type}" (try: help)`);
  }
}

const unescape = (text: string): string =>
  text.replace(/\\(r|n|t|\\|x[0-9a-fA-F]{2})/g, (_, e: string) =>
    e === 'r' ? '\r' : e === 'n' ? '\n' : e === 't' ? '\t' : e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16)),
  );

/** Applies a request; returns a JSON-friendly result. Throws on invalid requests. */
export function applyControl(modem: VirtualModem, request: ControlRequest): unknown {
  switch (request.action) {
    case 'deliver':
      if (typeof request.from !== 'string' || typeof request.text !== 'string') throw new Error('deliver needs {from, text} strings');
      modem.deliver({ from: request.from, text: request.text, ...(request.encoding ? { encoding: request.encoding } : {}) });
      return { ok: true };
    case 'outbox':
      return modem.outbox;
    case 'stored':
      return modem.stored();
    case 'stats':
      return modem.stats;
    case 'help':
      return CONTROL_HELP;
    case 'fault':
      applyFault(modem, request.fault);
      return { ok: true };
  }
}

export function applyFault(modem: VirtualModem, fault: FaultRequest): void {
  switch (fault.type) {
    case 'garbage':
      return modem.injectGarbage(fault.bytes);
    case 'drop':
      return modem.dropNextResponse();
    case 'latency':
      return modem.setLatency(fault.ms, fault.command);
    case 'fail':
      return modem.failNext(fault.command, fault.result);
    case 'reboot':
      return modem.reboot({ silent: fault.silent === true });
    case 'unplug':
      return modem.unplug(fault.ms);
    case 'replug':
      return modem.replug();
    case 'urc-during-prompt':
      return modem.urcDuringPrompt(fault.line);
    case 'duplicate':
      return modem.deliverDuplicate();
    case 'fill-storage':
      return modem.fillStorage();
    case 'silence':
      return modem.silence(fault.on);
    case 'sim-busy':
      return modem.simBusy(fault.count);
    case 'registration':
      return modem.setRegistration(fault.stat);
    default:
      throw new Error(`unknown fault ${JSON.stringify(fault)}`);
  }
}
