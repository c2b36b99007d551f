/**
 * 3GPP TS 27.005 §3.4–3.5 message commands in text (§4) and PDU (§4 of PDU mode) form:
 * read, list, delete, send, write, send from storage.
 */
import { decodeFromHost, fromHex, fromUcs2Hex } from './charset.js';
import { intParam, splitParams, stringParam, type ParsedCommand } from './command-line.js';
import type { CommandContext, Handler, Outcome } from './command-context.js';
import { buildSubmit, parseSubmit, splitSmsc, type ParsedSubmit, type SmsEncoding } from './sim-pdu.js';
import { cmglPdu, cmglText, cmgrPdu, cmgrText } from './sms-format.js';
import { STAT_TEXT, type SmsStat, type StoredSubmit } from './sms-storage.js';

const needsSim =
  (handler: Handler): Handler =>
  (cmd, core) =>
    core.pinLocked && cmd.op !== 'test' ? core.cms(311) : handler(cmd, core);

const textMode = (core: CommandContext) => core.settings.cmgf === 1;

/** AT+CMGR=<index> (27.005 §3.4.3). An empty slot answers a bare OK (EC25, Huawei; quirks §3). */
const cmgr: Handler = (cmd, core) => {
  if (cmd.op === 'test') return core.ok();
  const index = intParam(splitParams(cmd.args)[0]);
  const mem = core.settings.cpms[0];
  if (cmd.op !== 'set' || index === undefined || !core.storage.isValidIndex(mem, index)) return core.cms(321);
  const sms = core.storage.get(mem, index);
  if (!sms) return core.ok();
  const lines = textMode(core) ? cmgrText(sms, core.formatContext()) : cmgrPdu(sms, core.formatContext());
  if (sms.stat === 0) sms.stat = 1; // REC UNREAD becomes REC READ once read (Telit LE910 V2 p.174).
  return core.ok(lines);
};

function listStat(cmd: ParsedCommand, core: CommandContext): number | undefined {
  const param = splitParams(cmd.args)[0];
  if (cmd.op === 'exec' || param === undefined) return 0;
  if (textMode(core)) {
    const i = STAT_TEXT.indexOf((param.value.toUpperCase() as (typeof STAT_TEXT)[number]) ?? '');
    return param.quoted && i >= 0 ? i : undefined;
  }
  const n = intParam(param);
  return n !== undefined && n >= 0 && n <= 4 ? n : undefined;
}

/** AT+CMGL[=<stat>[,<mode>]] (27.005 §3.4.2); SIM800 <mode> 1 leaves REC UNREAD as is (quirks §3). */
const cmgl: Handler = (cmd, core) => {
  if (cmd.op === 'test')
    return core.ok([textMode(core) ? `+CMGL: (${STAT_TEXT.map((s) => `"${s}"`).join(',')})` : '+CMGL: (0-4)']);
  const stat = listStat(cmd, core);
  if (stat === undefined) return core.cms(textMode(core) ? 305 : 304);
  const keepUnread = intParam(splitParams(cmd.args)[1]) === 1;
  const ctx = core.formatContext();
  const lines: string[] = [];
  for (const { index, sms } of core.storage.list(core.settings.cpms[0])) {
    if (stat !== 4 && sms.stat !== stat) continue;
    lines.push(...(textMode(core) ? cmglText(index, sms, ctx) : cmglPdu(index, sms, ctx)));
    if (sms.stat === 0 && !keepUnread) sms.stat = 1;
  }
  return core.ok(lines.length ? lines : undefined);
};

/** AT+CMGD=<index>[,<delflag>] (27.005 §3.5.4): delflag 1 read, 2 +sent, 3 +unsent, 4 all. */
const cmgd: Handler = (cmd, core) => {
  const mem = core.settings.cpms[0];
  const { storage } = core;
  if (cmd.op === 'test') {
    const used = storage.list(mem).map((s) => s.index);
    return core.ok([`+CMGD: (${used.join(',')}),(0-4)`]);
  }
  const [indexParam, flagParam] = splitParams(cmd.args);
  const index = intParam(indexParam);
  const delflag = intParam(flagParam) ?? 0;
  if (cmd.op !== 'set' || Number.isNaN(index) || !(delflag >= 0 && delflag <= 4)) return core.cms(302);
  if (delflag === 0) {
    if (index === undefined || !storage.isValidIndex(mem, index)) return core.cms(321);
    storage.delete(mem, index);
  } else {
    const doomed: SmsStat[] = [[1], [1, 3], [1, 2, 3], [0, 1, 2, 3]][delflag - 1] as SmsStat[];
    for (const slot of storage.list(mem)) if (doomed.includes(slot.sms.stat)) storage.delete(mem, slot.index);
  }
  core.retryHeld();
  return core.ok();
};

/** 27.005 §3.5.1: with an 8-bit or UCS2 <dcs> the text-mode body is hex whatever +CSCS says. */
function decodeTextBody(body: string, core: CommandContext): { text: string; encoding: SmsEncoding } | undefined {
  const { dcs } = core.settings.csmp;
  const alphabet = (dcs & 0xc0) === 0 ? (dcs >> 2) & 3 : 0;
  const typed = body.replace(/\r\n?/g, '\n');
  if (alphabet === 2) {
    const text = fromUcs2Hex(typed);
    return text === undefined ? undefined : { text, encoding: 'ucs2' };
  }
  if (alphabet === 1) {
    const bytes = fromHex(typed);
    return bytes === undefined ? undefined : { text: bytes.toString('latin1'), encoding: '8bit' };
  }
  const text = decodeFromHost(typed, core.settings.cscs);
  return text === undefined ? undefined : { text, encoding: 'gsm7' };
}

function destination(cmd: ParsedCommand, core: CommandContext): string | undefined {
  const raw = stringParam(splitParams(cmd.args)[0]);
  return raw === undefined || raw === '' ? undefined : decodeFromHost(raw, core.settings.cscs);
}

/** The hex PDU after the prompt, checked against the <length> given (27.005 §3.5.1 PDU mode). */
function pduBody(body: string, tpduLength: number): { tpdu: Buffer; submit: ParsedSubmit } | undefined {
  const pdu = fromHex(body.replace(/[\r\n ]/g, ''));
  const tpdu = pdu && splitSmsc(pdu, tpduLength);
  if (!tpdu) return undefined;
  const parsed = parseSubmit(tpdu);
  return parsed.ok ? { tpdu, submit: parsed.submit } : undefined;
}

const cannotSend = (core: CommandContext): Outcome | undefined =>
  core.settings.cfun !== 1 || !(core.registration === 1 || core.registration === 5) ? core.cms(331) : undefined;

/** AT+CMGS (27.005 §3.5.1): prompt `\r\n> `, body until Ctrl-Z, answer `+CMGS: <mr>`. */
const cmgs: Handler = (cmd, core) => {
  if (cmd.op === 'test') return core.ok();
  if (cmd.op !== 'set') return core.cms(textMode(core) ? 305 : 304);
  if (textMode(core)) {
    const to = destination(cmd, core);
    if (to === undefined) return core.cms(305);
    return {
      prompt: (body) => {
        const decoded = decodeTextBody(body, core);
        if (!decoded || (decoded.encoding === 'gsm7' && [...decoded.text].length > 160)) return core.cms(305);
        const refusal = cannotSend(core);
        if (refusal) return refusal;
        const statusReportRequested = (core.settings.csmp.fo & 0x20) !== 0;
        const mr = core.send({ to, text: decoded.text, mode: 'text', encoding: decoded.encoding, statusReportRequested });
        return { info: [`+CMGS: ${mr}`], final: 'OK', slow: true };
      },
    };
  }
  const length = intParam(splitParams(cmd.args)[0]);
  if (length === undefined || !(length >= 7 && length <= 164)) return core.cms(304);
  return {
    prompt: (body) => {
      const parsed = pduBody(body, length);
      if (!parsed) return core.cms(304);
      const refusal = cannotSend(core);
      if (refusal) return refusal;
      const { submit, tpdu } = parsed;
      const entry = {
        to: submit.to,
        text: submit.text,
        mode: 'pdu' as const,
        encoding: submit.encoding,
        statusReportRequested: submit.statusReportRequested,
        pdu: tpdu.toString('hex').toUpperCase(),
        ...(submit.part ? { part: submit.part } : {}),
      };
      return { info: [`+CMGS: ${core.send(entry)}`], final: 'OK', slow: true };
    },
  };
};

/** AT+CMGW (27.005 §3.5.3): store a message in <mem2>; answers `+CMGW: <index>`. */
const cmgw: Handler = (cmd, core) => {
  if (cmd.op === 'test') return core.ok();
  const params = splitParams(cmd.args);
  const store = (sms: StoredSubmit): Outcome => {
    const index = core.storage.put(core.settings.cpms[1], sms);
    return index === undefined ? core.cms(322) : core.ok([`+CMGW: ${index}`]);
  };
  if (textMode(core)) {
    const to = cmd.op === 'exec' ? '' : (destination(cmd, core) ?? '');
    const stat = STAT_TEXT.indexOf((stringParam(params[2])?.toUpperCase() ?? 'STO UNSENT') as (typeof STAT_TEXT)[number]);
    if (stat < 0 || stat > 3) return core.cms(305);
    return {
      prompt: (body) => {
        const decoded = decodeTextBody(body, core);
        if (!decoded) return core.cms(305);
        const { fo, vp, pid, dcs } = core.settings.csmp;
        const { encoding } = decoded;
        const { pdu, tpduLength } = buildSubmit({ to, text: decoded.text, encoding, fo, vp, mr: 0 });
        return store({ kind: 'submit', stat: stat as SmsStat, pdu, tpduLength, to, text: decoded.text, encoding, fo, pid, dcs, vp });
      },
    };
  }
  const length = intParam(params[0]);
  const stat = intParam(params[1]) ?? 2;
  if (length === undefined || Number.isNaN(length) || !(stat >= 0 && stat <= 3)) return core.cms(304);
  return {
    prompt: (body) => {
      const parsed = pduBody(body, length);
      if (!parsed) return core.cms(304);
      const { submit } = parsed;
      const pdu = fromHex(body.replace(/[\r\n ]/g, ''))!;
      return store({
        kind: 'submit',
        stat: stat as SmsStat,
        pdu,
        tpduLength: length,
        to: submit.to,
        text: submit.text,
        encoding: submit.encoding,
        fo: submit.fo,
        pid: submit.pid,
        dcs: submit.dcs,
        vp: 167,
      });
    },
  };
};

/** AT+CMSS=<index>[,<da>] (27.005 §3.5.2): send a stored message; answers `+CMSS: <mr>`. */
const cmss: Handler = (cmd, core) => {
  if (cmd.op === 'test') return core.ok();
  const params = splitParams(cmd.args);
  const index = intParam(params[0]);
  const mem = core.settings.cpms[1];
  const sms = index === undefined ? undefined : core.storage.get(mem, index);
  if (!sms || sms.kind !== 'submit') return core.cms(321);
  const to = params[1] ? decodeFromHost(params[1].value, core.settings.cscs) : sms.to;
  if (!to) return core.cms(textMode(core) ? 305 : 304);
  const refusal = cannotSend(core);
  if (refusal) return refusal;
  const mr = core.send({
    to,
    text: sms.text,
    mode: textMode(core) ? 'text' : 'pdu',
    encoding: sms.encoding,
    statusReportRequested: (sms.fo & 0x20) !== 0,
  });
  sms.stat = 3;
  return { info: [`+CMSS: ${mr}`], final: 'OK', slow: true };
};

export const SMS_MESSAGE_COMMANDS: ReadonlyArray<readonly [string, Handler]> = [
  ['+CMGR', needsSim(cmgr)],
  ['+CMGL', needsSim(cmgl)],
  ['+CMGD', needsSim(cmgd)],
  ['+CMGS', needsSim(cmgs)],
  ['+CMGW', needsSim(cmgw)],
  ['+CMSS', needsSim(cmss)],
];
