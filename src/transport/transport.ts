import type { Observable } from '../rx.js';

/** Why a transport closed. `disconnected` is true when the device went away (USB unplug), as serialport flags it. */
export interface CloseReason {
  disconnected: boolean;
  error?: Error;
}

/**
 * The byte-stream boundary between the AT layer and a modem: a serial port, a pseudo-terminal,
 * or an in-memory stream in tests. Everything above speaks to this and nothing else.
 */
export interface Transport {
  /** Bytes from the modem, in arrival order. Completes when the transport closes. */
  readonly data$: Observable<Buffer>;
  /** Emits once, when the transport closes for any reason, then completes. */
  readonly close$: Observable<CloseReason>;
  readonly isOpen: boolean;
  /** Resolves once the bytes are handed to the OS (drained). Rejects with PORT_CLOSED when closed. */
  write(data: Buffer | string): Promise<void>;
  /** Closes on purpose (close$ then reports disconnected: false). Idempotent. */
  close(): Promise<void>;
}
