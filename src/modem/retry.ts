import { isBridgeError } from '../errors.js';

/**
 * Errors that mean "not yet" rather than "no": SIM busy (+CME 14, +CMS 314), init in progress
 * (515), and the plain ERROR some modems give while the SIM initialises (u-blox SARA-R422S,
 * transcript 20). python-gsmmodem backs off and retries on the same set.
 */
export function isTransientNotReady(error: unknown): boolean {
  if (isBridgeError(error, 'CME_ERROR')) return error.number === 14 || error.number === 515;
  // +CMS 500: Quectel and SIMCom answer SMS commands so until `SMS DONE` after a (re)boot.
  if (isBridgeError(error, 'CMS_ERROR')) return error.number === 314 || error.number === 500 || error.number === 515;
  return false;
}

/**
 * +CMS ERROR numbers that mean "not now" rather than "no": congestion, temporary network failures,
 * SIM busy, no service, and the vendor range 512–515 (3GPP TS 27.005 §3.2.5; smstools3 modeminit.c).
 * The one list the outbox (retry) and the bridge (keep the reply queued) both use.
 */
export const TRANSIENT_CMS: ReadonlySet<number> = new Set([41, 42, 47, 314, 331, 332, 500, 512, 513, 514, 515]);

/** Send errors worth another try. */
export function isTransientSendError(error: unknown): boolean {
  if (isBridgeError(error, 'CMS_ERROR')) return TRANSIENT_CMS.has(error.number ?? -1);
  if (isBridgeError(error, 'CME_ERROR')) return error.number === 14 || error.number === 515;
  return false;
}

export interface RetryOptions {
  attempts: number;
  /** Delay before retry n (1-based), in ms. */
  delayMs: (attempt: number) => number;
  retryable: (error: unknown) => boolean;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const backoff = (firstMs: number, maxMs: number) => (attempt: number) => Math.min(maxMs, firstMs * 2 ** (attempt - 1));

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export async function retry<T>(run: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      await wait(options.delayMs(attempt), options.signal);
    }
  }
}

/**
 * Retries `run` while the SIM is busy or SMS is not ready yet (isTransientNotReady), at most 1 s
 * apart: the caller moves on within a second of the modem being ready. `attempts` bounds the
 * whole wait (20 ≈ 19 s). Only for commands that may run twice.
 */
export function retryWhileNotReady<T>(run: () => Promise<T>, attempts: number, sleep?: (ms: number) => Promise<void>): Promise<T> {
  return retry(run, { attempts, delayMs: backoff(250, 1000), retryable: isTransientNotReady, ...(sleep ? { sleep } : {}) });
}
