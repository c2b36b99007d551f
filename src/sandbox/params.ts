/**
 * Parameter checks shared by the routes. Each returns the value or throws a 400 ApiError whose
 * message names the parameter, so a client sees exactly what to fix.
 */
import { checkSmsText } from '../sms/gsm7.js';
import { badParameter, missingParameter } from './api-error.js';
import { METHODS, type HttpMethod } from './resources.js';

type Where = 'post body' | 'query';

export function required(params: URLSearchParams, name: string, where: Where): string {
  const value = params.get(name);
  if (value === null || value === '') throw missingParameter(name, where);
  return value;
}

export function optional(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

export function oneOf<T extends string>(params: URLSearchParams, name: string, values: readonly T[]): T | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) throw badParameter(`${name} must be one of ${values.join(', ')}; got ${JSON.stringify(value)}`);
  return value as T;
}

export function integer(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badParameter(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
  return n;
}

/** `GET` or `POST`, the reference's `format: http-method`; the default is POST. */
export function httpMethod(params: URLSearchParams, name: string): HttpMethod | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  return oneOf(new URLSearchParams({ [name]: value.toUpperCase() }), name, METHODS);
}

/** An absolute http(s) URL (`format: uri`). */
export function url(params: URLSearchParams, name: string): string | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw badParameter(`${name} must be an absolute http or https URL; got ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badParameter(`${name} must be an absolute http or https URL; got ${JSON.stringify(value)}`);
  return value;
}

/** "SMS Commands have a maximum length of 160 single-byte characters": one GSM-7 SMS, never split. */
export function payload(params: URLSearchParams): string {
  const text = required(params, 'Payload', 'post body');
  const check = checkSmsText(text);
  if (check.ok) return text;
  if (check.reason === 'too-long') throw badParameter(`Payload is ${check.units} GSM-7 characters; an SMS Command holds at most ${check.limit}`);
  throw badParameter(`Payload: ${check.message}`);
}
