/**
 * 3GPP TS 27.005 §3.2–3.4 configuration commands: message format, character set, service
 * centre, text-mode parameters, storage selection, new-message indications.
 */
import { CHARSETS, decodeFromHost, encodeForHost, parseCharset } from './charset.js';
import { intParam, splitParams, stringParam } from './command-line.js';
import type { CommandContext, Handler } from './command-context.js';
import { parseMemLists, parseRanges, type MemName } from './profiles.js';

const bit = (core: CommandContext, name: string, get: () => number, set: (v: 0 | 1) => void): Handler =>
  (cmd) => {
    if (cmd.op === 'read') return core.ok([`${name}: ${get()}`]);
    if (cmd.op === 'test') return core.ok([`${name}: (0,1)`]);
    const [value] = splitParams(cmd.args).map(intParam);
    const v = cmd.op === 'exec' ? 0 : (value ?? 0);
    if (v !== 0 && v !== 1) return core.cms(302);
    set(v);
    return core.ok();
  };

/** AT+CMGF (27.005 §3.2.3). */
const cmgf: Handler = (cmd, core) =>
  bit(core, '+CMGF', () => core.settings.cmgf, (v) => (core.settings.cmgf = v))(cmd, core);

/** AT+CSDH (27.005 §3.3.3). */
const csdh: Handler = (cmd, core) =>
  bit(core, '+CSDH', () => (core.settings.csdh ? 1 : 0), (v) => (core.settings.csdh = v === 1))(cmd, core);

/** AT+CSCS (27.007 §5.5). */
const cscs: Handler = (cmd, core) => {
  if (cmd.op === 'read') return core.ok([`+CSCS: "${core.settings.cscs}"`]);
  if (cmd.op === 'test') return core.ok([`+CSCS: ${core.profile.cscsTest}`]);
  const name = stringParam(splitParams(cmd.args)[0]) ?? '';
  const charset = parseCharset(name);
  if (!charset || !CHARSETS.includes(charset) || !core.profile.cscsTest.includes(`"${charset}"`)) return core.cme(4);
  core.settings.cscs = charset;
  return core.ok();
};

/** AT+CSCA (27.005 §3.3.1): service centre address, in the TE character set. */
const csca: Handler = (cmd, core) => {
  if (cmd.op === 'read') {
    const sca = core.settings.sca;
    return core.ok([`+CSCA: "${encodeForHost(sca, core.settings.cscs)}",${sca.startsWith('+') ? 145 : 129}`]);
  }
  if (cmd.op === 'test') return core.ok();
  const raw = stringParam(splitParams(cmd.args)[0]);
  const sca = raw === undefined ? undefined : decodeFromHost(raw, core.settings.cscs);
  if (sca === undefined) return core.cms(304);
  core.settings.sca = sca;
  return core.ok();
};

/** AT+CSMP <fo>,<vp>,<pid>,<dcs> (27.005 §3.3.2); fo bit 5 (0x20) asks for a status report. */
const csmp: Handler = (cmd, core) => {
  const p = core.settings.csmp;
  if (cmd.op === 'read') return core.ok([`+CSMP: ${p.fo},${p.vp},${p.pid},${p.dcs}`]);
  if (cmd.op === 'test') return core.ok();
  const [fo, vp, pid, dcs] = splitParams(cmd.args).map(intParam);
  if ([fo, vp, pid, dcs].some((v) => v !== undefined && !(v >= 0 && v <= 255))) return core.cms(305);
  core.settings.csmp = { fo: fo ?? p.fo, vp: vp ?? p.vp, pid: pid ?? p.pid, dcs: dcs ?? p.dcs };
  return core.ok();
};

/** AT+CSMS (27.005 §3.2.1): service 1 makes +CMT/+CDS need +CNMA; the profile says which services exist. */
const csms: Handler = (cmd, core) => {
  const services = core.profile.csmsServices;
  if (cmd.op === 'read') return core.ok([`+CSMS: ${core.settings.csms},1,1,1`]);
  if (cmd.op === 'test') return core.ok([`+CSMS: (${services.join(',')})`]);
  const [service] = splitParams(cmd.args).map(intParam);
  if ((service !== 0 && service !== 1) || !services.includes(service)) return core.cms(303);
  core.settings.csms = service;
  return core.ok(['+CSMS: 1,1,1']);
};

/** AT+CNMI (27.005 §3.4.1), values checked against what the profile's `=?` advertises. */
const cnmi: Handler = (cmd, core) => {
  if (cmd.op === 'read') return core.ok([`+CNMI: ${core.settings.cnmi.join(',')}`]);
  if (cmd.op === 'test') return core.ok([`+CNMI: ${core.profile.cnmiTest}`]);
  const values = splitParams(cmd.args).map(intParam);
  const allowed = parseRanges(core.profile.cnmiTest);
  if (values.length > 5) return core.cms(303);
  const next = [0, 1, 2, 3, 4].map((i) => values[i] ?? 0) as [number, number, number, number, number];
  if (next.some((v, i) => !allowed[i]?.includes(v))) return core.cms(303);
  core.settings.cnmi = next;
  core.cnmiChanged();
  return core.ok();
};

/**
 * AT+CNMA acknowledges the +CMT/+CDS the TA waits for; +CMS ERROR: 340 when none is (27.005
 * §3.4.4). Text mode: the bare command, an RP-ACK, and `=?` answers OK. PDU mode (§4.6):
 * AT+CNMA[=<n>[,<length>]] with <n> from the profile's list (0 as text mode, 1 RP-ACK, 2 RP-ERROR),
 * and with <length> > 0 an acknowledgement TPDU after a `> ` prompt (ESC sends nothing).
 * Errors the standard leaves open: text-mode <n> other than 0 → 302 (Quectel: "accepted only in
 * PDU mode"), an unlisted <n> or bad length → 304.
 */
const cnma: Handler = (cmd, core) => {
  const pdu = core.settings.cmgf === 0;
  if (cmd.op === 'test') return pdu ? core.ok([`+CNMA: (${core.profile.cnmaModes.join(',')})`]) : core.ok();
  if (cmd.op === 'read') return core.error();
  const [nParam, lengthParam] = splitParams(cmd.args);
  const n = cmd.op === 'exec' ? 0 : (intParam(nParam) ?? 0);
  const length = intParam(lengthParam) ?? 0;
  if (!pdu && n !== 0) return core.cms(302);
  if (pdu && cmd.op === 'set' && (!core.profile.cnmaModes.includes(n) || !(length >= 0 && length <= 164))) return core.cms(304);
  if (!core.cnmaPending) return core.cms(340);
  const positive = n !== 2;
  if (length > 0)
    return {
      prompt: () => {
        if (!core.cnmaPending) return core.cms(340);
        core.acknowledge(positive);
        return core.ok();
      },
    };
  core.acknowledge(positive);
  return core.ok();
};

/** AT+CPMS (27.005 §3.2.2): set answers carry used/total for all three memories, no names. */
const cpms: Handler = (cmd, core) => {
  const { storage } = core;
  const mems = core.settings.cpms;
  if (cmd.op === 'test') return core.ok([`+CPMS: ${core.profile.cpmsTest}`]);
  if (cmd.op === 'read') return core.ok([`+CPMS: ${mems.map((m) => `"${m}",${storage.used(m)},${storage.capacity(m)}`).join(',')}`]);
  if (cmd.op !== 'set') return core.error();
  if (core.pinLocked) return core.cms(311);
  const wanted = splitParams(cmd.args).map(stringParam);
  const allowed = parseMemLists(core.profile.cpmsTest);
  if (wanted.length === 0 || wanted.length > 3) return core.cms(302);
  const next = [...mems] as [MemName, MemName, MemName];
  for (let i = 0; i < wanted.length; i++) {
    const mem = wanted[i]?.toUpperCase() as MemName | undefined;
    if (mem === undefined) continue;
    if (!allowed[i]?.includes(mem)) return core.cms(302);
    next[i] = mem;
  }
  core.settings.cpms = next;
  return core.ok([`+CPMS: ${next.map((m) => `${storage.used(m)},${storage.capacity(m)}`).join(',')}`]);
};

export const SMS_CONFIG_COMMANDS: ReadonlyArray<readonly [string, Handler]> = [
  ['+CMGF', cmgf],
  ['+CSDH', csdh],
  ['+CSCS', cscs],
  ['+CSCA', csca],
  ['+CSMP', csmp],
  ['+CSMS', csms],
  ['+CNMI', cnmi],
  ['+CNMA', cnma],
  ['+CPMS', cpms],
];
