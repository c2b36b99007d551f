/**
 * The built-in routes: `ping [text]` answers `pong [text]`; `status` answers one compact line.
 */
import { countSeptets, MAX_GSM7_SEPTETS } from '../../sms/gsm7.js';
import { fitText } from '../reply-guard.js';
import type { Route } from '../types.js';

export interface StatusSnapshot {
  /** Received signal strength in dBm (from AT+CSQ / AT+CESQ). */
  signalDbm?: number;
  /** Network registration, e.g. `home`, `roaming`, `searching`, `denied`. */
  registration?: string;
  /** Operator name as the network gives it; may be long (up to 16+ characters, or a full name). */
  operator?: string;
  uptimeS: number;
  version: string;
}

export type StatusSource = () => StatusSnapshot | Promise<StatusSnapshot>;

export interface BuiltinOptions {
  /** Supplies `status`; without it there is no `status` route. */
  statusSource?: StatusSource;
  maxSeptets?: number;
}

export function builtinRoutes(options: BuiltinOptions = {}): Route[] {
  const routes: Route[] = [{ verb: 'ping', name: 'ping', independent: true, idempotent: true, handler: ({ command }) => pong(command.text) }];
  const { statusSource } = options;
  if (statusSource !== undefined) {
    routes.push({
      verb: 'status',
      name: 'status',
      idempotent: true,
      handler: async () => statusLine(await statusSource(), options.maxSeptets),
    });
  }
  return routes;
}

/** `ping hello` → `pong hello`: the text after the verb comes back as it was typed. */
export function pong(text: string): string {
  const rest = /^\s*\S+\s*([\s\S]*)$/.exec(text)?.[1]?.trimEnd() ?? '';
  return rest === '' ? 'pong' : `pong ${rest}`;
}

/**
 * `sig=-71dBm reg=home up=3d4h5m v=0.1.0 op=Vodafone UK`. The operator comes last and is the only
 * field shortened: cut (no ellipsis, `…` is not GSM-7) to what is left of the limit, with characters
 * GSM-7 lacks shown as `?`; it is left out when nothing is left. The reply guard still applies.
 */
export function statusLine(status: StatusSnapshot, maxSeptets: number = MAX_GSM7_SEPTETS): string {
  const fields: string[] = [];
  if (status.signalDbm !== undefined) fields.push(`sig=${Math.round(status.signalDbm)}dBm`);
  if (status.registration !== undefined) fields.push(`reg=${status.registration}`);
  fields.push(`up=${formatUptime(status.uptimeS)}`, `v=${status.version}`);
  const line = fields.join(' ');
  if (status.operator === undefined || status.operator.trim() === '') return line;
  const budget = maxSeptets - (countSeptets(line) ?? line.length) - ' op='.length;
  const operator = budget > 0 ? fitText(status.operator.trim(), budget) : '';
  return operator === '' ? line : `${line} op=${operator}`;
}

/** `45s`, `5m12s`, `4h5m`, `3d4h5m`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h${m}m`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s % 60}s`;
  return `${s}s`;
}
