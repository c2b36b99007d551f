/**
 * V.250 basic commands and 3GPP TS 27.007 general/network commands: echo, error mode,
 * identity, PIN, signal, registration, operator, functionality.
 */
import { intParam, splitParams, stringParam, type ParsedCommand } from './command-line.js';
import type { CommandContext, Handler, Outcome } from './command-context.js';

/** A command that only answers fixed information text when executed; `=?` answers OK. */
const info =
  (lines: (core: CommandContext) => string[]): Handler =>
  (cmd, core) =>
    cmd.op === 'exec' ? core.ok(lines(core)) : cmd.op === 'test' ? core.ok() : core.error();

const flag = (cmd: ParsedCommand): number | undefined => (cmd.args === '' ? 0 : /^\d$/.test(cmd.args) ? Number(cmd.args) : undefined);

const echo: Handler = (cmd, core) => {
  const value = flag(cmd);
  if (value !== 0 && value !== 1) return core.error();
  // The command itself was already echoed byte by byte; echo changes from the next byte on.
  core.settings.echo = value === 1;
  return core.ok();
};

const reset: Handler = (_cmd, core) => {
  core.resetSettings();
  return core.ok();
};

const ati: Handler = (cmd, core) => (cmd.args === '' || cmd.args === '0' ? core.ok([...core.profile.ati]) : core.error());

/** AT+CMEE (27.007 §9.1): 0 plain ERROR, 1 numeric, 2 verbose. */
const cmee: Handler = (cmd, core) => {
  if (cmd.op === 'read') return core.ok([`+CMEE: ${core.settings.cmee}`]);
  if (cmd.op === 'test') return core.ok(['+CMEE: (0-2)']);
  const [mode] = splitParams(cmd.args).map(intParam);
  const value = cmd.op === 'exec' ? 0 : (mode ?? 0);
  if (value !== 0 && value !== 1 && value !== 2) return core.cme(50);
  core.settings.cmee = value;
  return core.ok();
};

/** AT+CPIN (27.007 §8.3). */
const cpin: Handler = (cmd, core) => {
  if (cmd.op === 'read') return core.ok([`+CPIN: ${core.simState}`]);
  if (cmd.op === 'test') return core.ok();
  if (cmd.op !== 'set') return core.error();
  const pin = stringParam(splitParams(cmd.args)[0]);
  if (!core.pinLocked) return core.ok();
  if (core.pinAttempts <= 0) return core.cme(12); // SIM PUK required (27.007 §9.2.1)
  if (pin !== core.options.pin) {
    core.pinAttempts--;
    return core.cme(16);
  }
  core.pinAttempts = 3;
  core.pinLocked = false;
  core.retryHeld();
  return core.ok();
};

const requiresSim =
  (handler: Handler): Handler =>
  (cmd, core) =>
    core.pinLocked && cmd.op !== 'test' ? core.cme(11) : handler(cmd, core);

/** AT+CREG / +CGREG / +CEREG (27.007 §7.2, §10.1.19/20): n 0..2, stat from the network. */
const registration =
  (name: '+CREG' | '+CGREG' | '+CEREG', key: 'creg' | 'cgreg' | 'cereg'): Handler =>
  (cmd, core) => {
    if (cmd.op === 'test') return core.ok([`${name}: (0-2)`]);
    if (cmd.op === 'read') return core.ok([registrationLine(name, core.settings[key], core.registration, true)]);
    const [n] = splitParams(cmd.args).map(intParam);
    const value = cmd.op === 'exec' ? 0 : (n ?? 0);
    if (!(value >= 0 && value <= 2)) return core.cme(50);
    core.settings[key] = value;
    return core.ok();
  };

/** Read answer `+CREG: <n>,<stat>[,<lac>,<ci>]`, URC `+CREG: <stat>[,<lac>,<ci>]`. */
export function registrationLine(name: string, n: number, stat: number, read: boolean): string {
  const location = n === 2 && (stat === 1 || stat === 5) ? `,"1A2B","01C3D4E5"${name === '+CREG' ? '' : ',7'}` : '';
  return `${name}: ${read ? `${n},` : ''}${stat}${location}`;
}

const cops: Handler = (cmd, core) => {
  const op = core.options.operator;
  if (cmd.op === 'read') return core.ok([core.registration === 1 || core.registration === 5 ? `+COPS: 0,0,"${op}",7` : '+COPS: 0']);
  if (cmd.op === 'test') return core.ok([`+COPS: (2,"${op}","${op}","23415",7),,(0-4),(0-2)`]);
  return core.ok();
};

/** AT+CFUN (27.007 §8.2): 1 full, 0/4 radio off; `,1` resets after answering. */
const cfun: Handler = (cmd, core): Outcome => {
  if (cmd.op === 'read') return core.ok([`+CFUN: ${core.settings.cfun}`]);
  if (cmd.op === 'test') return core.ok(['+CFUN: (0,1,4),(0-1)']);
  const [fun, rst] = splitParams(cmd.args).map(intParam);
  if (fun === undefined || ![0, 1, 4].includes(fun) || (rst !== undefined && rst !== 0 && rst !== 1)) return core.cme(50);
  if (rst === 1) return { final: 'OK', after: () => core.hooks.restart() };
  core.settings.cfun = fun;
  if (fun === 1) core.retryHeld();
  return core.ok();
};

/** Quectel AT+QINDCFG="smsfull",<0|1>[,<save>]: the storage-full URC (other vendors do not know it). */
function qindcfg(cmd: ParsedCommand, core: CommandContext): Outcome {
  if (!core.profile.memFullUrcOffByDefault) return core.unknown();
  const [what, value] = cmd.args.split(',').map((a) => a.trim().replace(/"/g, '').toLowerCase());
  if (cmd.op === 'set' && what === 'smsfull' && (value === '0' || value === '1')) {
    core.settings.memFullUrc = value === '1';
    return core.ok();
  }
  if (cmd.op === 'set' && what === 'smsfull' && value === undefined) return core.ok([`+QINDCFG: "smsfull",${core.settings.memFullUrc ? 1 : 0}`]);
  return core.cme(3);
}

/** Huawei AT^CURC=0 stops the ^RSSI/^BOOT noise (quirks §5). */
const curc: Handler = (cmd, core) => {
  if (!core.profile.noise) return core.unknown();
  if (cmd.op === 'read') return core.ok([`^CURC: ${core.settings.curc ? 1 : 0}`]);
  if (cmd.op === 'test') return core.ok(['^CURC: (0-1)']);
  const [mode] = splitParams(cmd.args).map(intParam);
  if (mode !== 0 && mode !== 1) return core.unknown();
  core.settings.curc = mode === 1;
  return core.ok();
};

/** S-registers (V.250 §6.2): S3 CR, S4 LF, S5 backspace; others read 0 and accept writes. */
const S_DEFAULTS: Record<string, number> = { S3: 13, S4: 10, S5: 8 };
export const sRegister: Handler = (cmd, core) =>
  cmd.op === 'read' ? core.ok([(S_DEFAULTS[cmd.name] ?? 0).toString().padStart(3, '0')]) : core.ok();

const okOnly: Handler = (_cmd, core) => core.ok();

export const GENERAL_COMMANDS: ReadonlyArray<readonly [string, Handler]> = [
  ['E', echo],
  ['V', (cmd, core) => (flag(cmd) === 1 ? core.ok() : core.error())],
  ['Q', (cmd, core) => (flag(cmd) === 0 ? core.ok() : core.error())],
  ['Z', reset],
  ['&F', reset],
  ['&C', okOnly],
  ['&D', okOnly],
  ['&K', okOnly],
  ['&W', okOnly],
  ['I', ati],
  ['+CMEE', cmee],
  ['+CGMI', info((core) => [core.profile.cgmi])],
  ['+GMI', info((core) => [core.profile.cgmi])],
  ['+CGMM', info((core) => [core.profile.cgmm])],
  ['+GMM', info((core) => [core.profile.cgmm])],
  ['+CGMR', info((core) => [core.profile.cgmr])],
  ['+GMR', info((core) => [core.profile.cgmr])],
  ['+CGSN', info((core) => [core.profile.imei])],
  ['+GSN', info((core) => [core.profile.imei])],
  ['+GCAP', info(() => ['+GCAP: +CGSM'])],
  ['+CIMI', requiresSim(info((core) => [core.profile.imsi]))],
  ['+CPIN', cpin],
  ['+CSQ', (cmd, core) => (cmd.op === 'test' ? core.ok(['+CSQ: (0-31,99),(0-7,99)']) : info((c) => [`+CSQ: ${c.options.rssi},99`])(cmd, core))],
  ['+CREG', registration('+CREG', 'creg')],
  ['+CGREG', registration('+CGREG', 'cgreg')],
  ['+CEREG', registration('+CEREG', 'cereg')],
  ['+COPS', cops],
  ['+CFUN', cfun],
  ['^CURC', curc],
  ['+QINDCFG', qindcfg],
];
