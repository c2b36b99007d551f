import type { AtChannel } from '../at/at-channel.js';
import { at, valuesOf, type AtCommand, type AtResponse } from '../at/command.js';
import { BridgeError, isBridgeError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import {
  cnmiCandidates,
  cnmiCommand,
  csqToDbm,
  parseCnmiTest,
  parseCops,
  parseCpin,
  parseCpmsTest,
  parseCpmsUsage,
  parseRegistrationQuery,
  type CnmiChoice,
  type Registration,
} from './parsers.js';
import { PROFILES, pickProfile, type ModemProfile, type PinAttempts, type ProfileName } from './profiles.js';
import { decodeIccid, parseImsi } from './identity.js';
import { retryWhileNotReady, sleep as realSleep } from './retry.js';

export interface SmsSettings {
  /** AT+CMGF: text (1) or PDU (0). */
  mode: 'text' | 'pdu';
  /**
   * `auto`: pushed as +CMT and acknowledged with +CNMA once recorded, where the modem takes
   * AT+CSMS=1 (a crash before the ack makes the network deliver it again, 27.005 §3.4.4); stored
   * and announced by +CMTI where it does not. `store`: always +CMTI. `direct`: always +CMT,
   * acknowledged where the modem allows, else acknowledged by the modem itself on arrival.
   */
  delivery: 'auto' | 'store' | 'direct';
  /** Where messages are kept (AT+CPMS): `auto` prefers the modem's own memory (ME) where offered. */
  storage?: 'auto' | 'ME' | 'SM';
  statusReports: boolean;
}

export interface InitOptions {
  profile?: ProfileName | 'auto';
  pin?: string;
  sms: SmsSettings;
  log?: Logger;
  /**
   * Remembers PINs the SIM refused, across restarts (docs/supervision.md): a refused PIN is never
   * entered again, so `Restart=always` cannot walk a SIM into its PUK.
   */
  pinGuard?: PinGuard;
  /** How long to keep retrying "SIM busy" / "init in progress" at start. */
  notReadyAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PinGuard {
  wasRefused(pin: string): boolean;
  refused(pin: string): void;
  /** The SIM is unlocked (a person fixed it, or the PIN worked): forget what was refused. */
  unlocked(): void;
}

/** The SIM's lock state as +CPIN? said it, and the attempts left where the vendor tells them. */
export interface SimLock {
  state: string;
  pinAttempts?: number;
  pukAttempts?: number;
}

export interface ModemInfo {
  manufacturer: string;
  model: string;
  firmware: string;
  profile: ProfileName;
  imei?: string;
  imsi?: string;
  iccid?: string;
  /** What the IMSI and ICCID answers left in doubt or could not give (src/modem/identity.ts). */
  identityWarnings?: string[];
  signalDbm?: number;
  registration?: Registration;
  operator?: string;
  storage?: { name: string; used: number; total: number };
  /** The AT+CNMI actually accepted, e.g. `AT+CNMI=2,1,0,1,0`. */
  cnmi?: string;
  sim?: SimLock;
}

export interface InitResult {
  info: ModemInfo;
  profile: ModemProfile;
  cnmi?: CnmiChoice;
  /** Storage used for reading and receiving (AT+CPMS mem1 and mem3). */
  storage?: string;
  /** Other memories that can hold received messages (from AT+CPMS=?): swept too, for what arrived before the choice. */
  otherStorages?: string[];
  /** The modem wants AT+CNMA for each +CMT/+CDS (AT+CSMS=1; 3GPP TS 27.005 §3.4.4). */
  needsAck: boolean;
}

/**
 * Brings a modem that answers AT, just opened or just rebooted, to ready for SMS, with the fewest
 * commands that make the settings certain. Returns what it learned and chose.
 */
export async function initialise(channel: AtChannel, options: InitOptions): Promise<InitResult> {
  const log = options.log ?? silentLogger;
  const sleep = options.sleep ?? realSleep;
  // SIM busy or SMS not ready yet: about 20 s per command (python-gsmmodem retries the same set).
  const send = (command: AtCommand<AtResponse>) => retryWhileNotReady(() => channel.send(command), options.notReadyAttempts ?? 20, sleep);
  const optional = async (text: string, options: { anyPrefix?: boolean } = {}): Promise<AtResponse | undefined> => {
    try {
      return await send(options.anyPrefix ? at(text, { prefix: undefined }) : at(text));
    } catch (error) {
      if (isBridgeError(error) && ['AT_ERROR', 'CME_ERROR', 'CMS_ERROR'].includes(error.code)) {
        log.debug({ command: text, error: error.message }, 'optional command refused');
        return undefined;
      }
      throw error;
    }
  };
  const value = (response: AtResponse | undefined, prefix: string): string | undefined =>
    response ? (valuesOf(response, prefix)[0] ?? bare(response)) : undefined;

  // The session has had an OK to ESC + AT before calling this (its `waiting` state).
  await send(at('ATE0')); // the channel tolerates echo, but less traffic is less to go wrong
  await optional('AT+CMEE=1'); // numeric errors; the channel maps verbose ones anyway

  const manufacturer = value(await optional('AT+CGMI'), '+CGMI:') ?? '';
  const model = value(await optional('AT+CGMM'), '+CGMM:') ?? '';
  const firmware = value(await optional('AT+CGMR'), '+CGMR:') ?? '';
  const profile =
    options.profile && options.profile !== 'auto' ? PROFILES[options.profile] : pickProfile(manufacturer, model);
  for (const command of profile.init) await optional(command);

  const sim = await unlockSim(send, optional, profile, options, log);

  const info: ModemInfo = { manufacturer, model, firmware, profile: profile.name, sim };
  await send(at(`AT+CMGF=${options.sms.mode === 'text' ? 1 : 0}`));
  if (options.sms.mode === 'text') {
    // Every text-mode header then carries <fo>, <dcs> and <length> (27.005 §3.3.3): the body is
    // decoded by its coding and framed by its length (docs/modem-behaviour.md §8). Without it a
    // body is one line of GSM-7 text.
    if (!(await optional('AT+CSDH=1'))) log.warn('the modem refuses AT+CSDH=1: text-mode bodies are read as one line of GSM-7 text');
    await optional('AT+CSCS="GSM"');
    // fo 17 = SMS-SUBMIT with a relative validity period; +32 (bit 5) asks for a status report.
    await optional(`AT+CSMP=${options.sms.statusReports ? 49 : 17},167,0,0`);
  }

  const storage = await chooseStorage(send, optional, profile, options.sms.storage ?? 'auto', log);
  if (storage) info.storage = { name: storage.name, used: storage.used, total: storage.total };

  // Acknowledged +CMT where asked for and offered: AT+CSMS=1 answers `+CSMS: <mt>,<mo>,<bm>`, where
  // <mt> 1 says mobile-terminated messages are supported under this service (27.005 §3.2.1).
  const delivery = options.sms.delivery;
  let acked = false;
  if (delivery !== 'store') {
    const phase2plus = value(await optional('AT+CSMS=1'), '+CSMS:');
    acked = phase2plus !== undefined && phase2plus.split(',')[0]?.trim() === '1';
    if (!acked) log.info({ answer: phase2plus }, 'the modem does not take AT+CSMS=1: messages cannot be acknowledged by us');
  }
  const offered = await optional('AT+CNMI=?');
  const candidates = cnmiCandidates(offered ? parseCnmiTest(valuesOf(offered, '+CNMI:')[0] ?? '') : undefined, {
    delivery: delivery === 'direct' || (delivery === 'auto' && acked) ? 'direct' : 'store',
    statusReports: options.sms.statusReports,
    avoidCdsi: profile.cdsiUnreliable,
  });
  let cnmi: CnmiChoice | undefined;
  for (const candidate of candidates) {
    if (await optional(cnmiCommand(candidate))) {
      cnmi = candidate;
      info.cnmi = cnmiCommand(candidate);
      break;
    }
  }
  if (!cnmi) log.warn('the modem refused every AT+CNMI setting: new messages will only be found by sweeps');
  else log.info({ cnmi: info.cnmi }, 'new-message indications chosen');

  // Without our AT+CSMS=1, an earlier run's may still hold (the service is not reset by AT+CNMI).
  const service = acked ? '1' : value(await optional('AT+CSMS?'), '+CSMS:')?.split(',')[0]?.trim();
  const needsAck = service === '1' && (cnmi?.mt === 2 || cnmi?.ds === 1);
  if (cnmi?.mt === 2 && !needsAck) log.warn('+CMT without acknowledgement: the modem acks on arrival, so a crash before a message is recorded loses it');

  // Registration URCs, for the status line; older modems lack +CEREG.
  if (!(await optional('AT+CREG=2'))) await optional('AT+CREG=1');
  await optional('AT+CEREG=2');

  const imei = value(await optional('AT+CGSN'), '+CGSN:');
  if (imei) info.imei = imei.replace(/"/g, '');
  const warnings: string[] = [];
  const imsiAnswer = value(await optional('AT+CIMI'), '+CIMI:');
  if (imsiAnswer !== undefined) {
    const imsi = parseImsi(imsiAnswer);
    if (imsi.value !== undefined) info.imsi = imsi.value;
    warnings.push(...imsi.warnings);
  }
  const iccidWarnings: string[] = [];
  for (const command of profile.iccid) {
    // Each vendor's answer has its own prefix (vendors/*.ts): take every line, decode by the prefix.
    const response = await optional(command.command, { anyPrefix: true });
    const iccid = response && decodeIccid(response, command);
    if (!iccid) continue;
    if (iccid.value !== undefined) {
      info.iccid = iccid.value;
      iccidWarnings.splice(0, iccidWarnings.length, ...iccid.warnings);
      break;
    }
    iccidWarnings.push(...iccid.warnings);
  }
  warnings.push(...iccidWarnings);
  if (warnings.length > 0) {
    info.identityWarnings = warnings;
    log.warn({ warnings }, 'SIM identity decoded with doubts');
  }
  await refreshNetwork(channel, info);
  const result: InitResult = { info, profile, needsAck };
  if (cnmi) result.cnmi = cnmi;
  if (storage) result.storage = storage.name;
  if (storage && storage.others.length > 0) result.otherStorages = storage.others;
  return result;
}

/** Signal, registration and operator: cheap, so `status` refreshes them. */
export async function refreshNetwork(channel: AtChannel, info: ModemInfo): Promise<void> {
  const quiet = async (text: string, prefix: string) => {
    try {
      return valuesOf(await channel.send(at(text)), prefix)[0];
    } catch {
      return undefined;
    }
  };
  const csq = await quiet('AT+CSQ', '+CSQ:');
  const dbm = csq === undefined ? undefined : csqToDbm(csq);
  if (dbm !== undefined) info.signalDbm = dbm;
  const creg = await quiet('AT+CREG?', '+CREG:');
  if (creg !== undefined) info.registration = parseRegistrationQuery(creg);
  const cops = await quiet('AT+COPS?', '+COPS:');
  const operator = cops === undefined ? undefined : parseCops(cops);
  if (operator !== undefined) info.operator = operator;
}

/** `AT+CPIN?`: an old Wavecom firmware answers `+CPIN: READY` without OK (docs/modem-behaviour.md §1). */
export const cpinQuery = (): AtCommand => at('AT+CPIN?', { finalResultOptional: true });

/**
 * Unlocks the SIM, never guessing: the configured PIN is entered at most once, never when it was
 * refused before (pinGuard), and never when the SIM has a single attempt left, which is kept for a
 * person. The attempts come from the vendor's counter command (profile.pinAttempts).
 */
async function unlockSim(
  send: (c: AtCommand<AtResponse>) => Promise<AtResponse>,
  optional: (text: string, options?: { anyPrefix?: boolean }) => Promise<AtResponse | undefined>,
  profile: ModemProfile,
  options: InitOptions,
  log: Logger,
): Promise<SimLock> {
  const state = async () => parseCpin(valuesOf(await send(cpinQuery()), '+CPIN:')[0] ?? '');
  const attempts = async () => {
    const answer = await optional(profile.pinAttempts.command, { anyPrefix: true });
    return answer ? profile.pinAttempts.parse(answer.lines) : {};
  };
  const lock = (current: string, left: PinAttempts): SimLock => ({
    state: current,
    ...(left.pin === undefined ? {} : { pinAttempts: left.pin }),
    ...(left.puk === undefined ? {} : { pukAttempts: left.puk }),
  });
  const says = (left: PinAttempts) => (left.pin === undefined ? '' : ` (${left.pin} PIN attempt${left.pin === 1 ? '' : 's'} left)`);
  let current = await state();
  if (current === 'READY') {
    options.pinGuard?.unlocked();
    return { state: current };
  }
  const pin = options.pin;
  if (current === 'SIM PIN') {
    const left = await attempts();
    if (!pin) throw new BridgeError('SIM_PIN_REQUIRED', `the SIM asks for its PIN${says(left)} and none is configured (set \`pin\` or \`pinFile\`)`);
    if (options.pinGuard?.wasRefused(pin)) {
      throw new BridgeError('SIM_PIN_WRONG', `the SIM refused the configured PIN before${says(left)}: not entering it again; set the right PIN (pin or pinFile)`);
    }
    if (left.pin !== undefined && left.pin <= 1) {
      throw new BridgeError('SIM_PIN_REQUIRED', `the SIM has 1 PIN attempt left: smsbridge leaves it to a person (unlock the SIM by hand, e.g. smsbridge at --port … 'AT+CPIN="…"')`);
    }
    log.info(lock(current, left), 'entering the SIM PIN');
    try {
      await send(at(`AT+CPIN="${pin}"`));
    } catch (error) {
      // Never try again: three wrong PINs lock the SIM behind its PUK.
      options.pinGuard?.refused(pin);
      const after = await attempts().catch(() => ({}));
      throw new BridgeError('SIM_PIN_WRONG', `the SIM refused the configured PIN${says(after)}; not retrying, to keep the SIM from locking`, { cause: error });
    }
    current = await state();
    if (current === 'READY') {
      options.pinGuard?.unlocked();
      return { state: current };
    }
  }
  if (current.includes('PUK')) {
    const left = await attempts();
    throw new BridgeError('SIM_PUK_REQUIRED', `the SIM is locked (${current}${left.puk === undefined ? '' : `, ${left.puk} PUK attempts left`}): it needs its PUK, which smsbridge never guesses`);
  }
  throw new BridgeError('NOT_READY', `the SIM is not ready: +CPIN: ${current}`);
}

async function chooseStorage(
  send: (c: AtCommand<AtResponse>) => Promise<AtResponse>,
  optional: (text: string) => Promise<AtResponse | undefined>,
  profile: ModemProfile,
  wanted: 'auto' | 'ME' | 'SM',
  log: Logger,
): Promise<{ name: string; used: number; total: number; others: string[] } | undefined> {
  const test = await optional('AT+CPMS=?');
  const lists = test ? parseCpmsTest(valuesOf(test, '+CPMS:')[0] ?? '') : [];
  const offered = (i: number) => lists[Math.min(i, lists.length - 1)] ?? [];
  // The modem's own memory first where it has one: every command writes storage several times, and
  // SIM flash is rated for about 100k–500k writes (ModemManager and python-gsmmodem prefer ME too).
  const preference = wanted === 'auto' ? ['ME', ...profile.storages.filter((s) => s !== 'ME')] : [wanted];
  // Without an answer to AT+CPMS=? nothing says the modem has an ME: keep the profile's first choice.
  const choice = preference.find((s) => offered(0).includes(s) && offered(1).includes(s) && offered(2).includes(s)) ?? (lists.length ? undefined : wanted === 'auto' ? profile.storages[0] : wanted);
  if (!choice) {
    log.warn({ offered: lists }, 'no preferred SMS storage offered; keeping the modem default');
    return undefined;
  }
  // mem1 (read/delete), mem2 (write/send), mem3 (receive): one storage for all keeps indexes simple.
  const answer = await send(at(`AT+CPMS="${choice}","${choice}","${choice}"`));
  const usage = parseCpmsUsage(valuesOf(answer, '+CPMS:')[0] ?? '')[0];
  const others = offered(0).filter((s) => s !== choice && (s === 'SM' || s === 'ME'));
  return { name: choice, used: usage?.used ?? 0, total: usage?.total ?? 0, others };
}

/** The one unprefixed info line of commands like AT+CGMI on modems that print no prefix. */
function bare(response: AtResponse): string | undefined {
  return response.lines.map((l) => l.trim()).find((l) => l !== '');
}
