import type { InboundCommand } from '../../src/dispatch/types.js';

let nextId = 1;

/** A command from `000` unless told otherwise. */
export function cmd(text: string, fields: Partial<InboundCommand> = {}): InboundCommand {
  const at = new Date('2024-05-01T12:00:00Z');
  return { id: nextId++, sender: '000', text, sentAt: at, receivedAt: at, ...fields };
}

/** A promise the test settles by hand. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
