import { BridgeError, isBridgeError } from '../errors.js';

/** Runs one store operation; SQLite and driver failures become `BridgeError` STORE_ERROR with the cause kept. */
export function guard<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isBridgeError(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new BridgeError('STORE_ERROR', `${operation} failed: ${detail}`, { cause: error });
  }
}

export function notFound(kind: 'inbound' | 'outbound', id: number): BridgeError {
  return new BridgeError('STORE_ERROR', `no ${kind} record #${id}`);
}

export function invalid(message: string): BridgeError {
  return new BridgeError('STORE_ERROR', message);
}
