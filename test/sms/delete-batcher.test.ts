import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AtCommand } from '../../src/at/command.js';
import { BridgeError } from '../../src/errors.js';
import { DeleteBatcher } from '../../src/sms/delete-batcher.js';
import { SerialLock } from '../../src/sms/serial-lock.js';
import type { SmsModem } from '../../src/sms/sms-modem.js';
import { StorageSelector } from '../../src/sms/storage-selector.js';

/** A modem that records each command line and answers from a script (OK by default). */
function fakeModem(answer: (line: string) => BridgeError | undefined = () => undefined) {
  const lines: string[] = [];
  const modem: SmsModem = {
    urc$: EMPTY,
    ready$: EMPTY,
    send: async <T>(command: AtCommand<T>) => {
      lines.push(command.text);
      const error = answer(command.text);
      if (error) throw error;
      return { lines: [], final: 'OK' } as T;
    },
  };
  return { modem, lines };
}

function setup(answer?: (line: string) => BridgeError | undefined) {
  const { modem, lines } = fakeModem(answer);
  const lock = new SerialLock();
  const storage = new StorageSelector(modem);
  storage.reset('SM');
  return { lines, lock, batcher: new DeleteBatcher({ modem, lock, storage }) };
}

/** Holds the SMS lock (a read in progress) until the returned function is called. */
function hold(lock: SerialLock): () => void {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  void lock.run(() => gate);
  return release;
}

describe('DeleteBatcher', () => {
  it('puts the deletes asked for while other SMS work runs on one command line, and each slot once', async () => {
    const { lines, lock, batcher } = setup();
    const release = hold(lock);
    const done = Promise.all([batcher.delete('SM', 3), batcher.delete('SM', 4), batcher.delete('SM', 3)]);
    expect(batcher.waiting).toBe(2);
    release();
    await done;
    expect(lines).toEqual(['AT+CMGD=3;+CMGD=4']);
  });

  it('sends one delete alone as a plain AT+CMGD', async () => {
    const { lines, batcher } = setup();
    await batcher.delete('SM', 7);
    expect(lines).toEqual(['AT+CMGD=7']);
  });

  it('keeps lines short (8 deletes each) and selects another storage before deleting there', async () => {
    const { lines, lock, batcher } = setup();
    const release = hold(lock);
    const done = Promise.all([...Array.from({ length: 10 }, (_, i) => batcher.delete('SM', i)), batcher.delete('SR', 0)]);
    release();
    await done;
    expect(lines).toEqual(['AT+CMGD=0;+CMGD=1;+CMGD=2;+CMGD=3;+CMGD=4;+CMGD=5;+CMGD=6;+CMGD=7', 'AT+CMGD=8;+CMGD=9', 'AT+CPMS="SR"', 'AT+CMGD=0']);
  });

  it('never retries a line that failed part way (its first deletes ran: a retry could take a new message), and a plain ERROR means one per line from then on', async () => {
    const { lines, lock, batcher } = setup((line) => (line.includes(';') ? new BridgeError('AT_ERROR', 'ERROR') : undefined));
    let release = hold(lock);
    const first = Promise.allSettled([batcher.delete('SM', 1), batcher.delete('SM', 2)]);
    release();
    expect((await first).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    release = hold(lock);
    const second = Promise.all([batcher.delete('SM', 1), batcher.delete('SM', 2)]);
    release();
    await second;
    expect(lines).toEqual(['AT+CMGD=1;+CMGD=2', 'AT+CMGD=1', 'AT+CMGD=2']);
  });

  it('counts a slot that is already empty (+CMS ERROR: 321) as freed, and passes other errors on', async () => {
    const { batcher } = setup((line) => (line === 'AT+CMGD=5' ? new BridgeError('CMS_ERROR', 'invalid index', { number: 321 }) : line === 'AT+CMGD=6' ? new BridgeError('AT_TIMEOUT', 'no answer') : undefined));
    await expect(batcher.delete('SM', 5)).resolves.toBeUndefined();
    await expect(batcher.delete('SM', 6)).rejects.toMatchObject({ code: 'AT_TIMEOUT' });
  });

  it('lets the deletes ride on the next read: AT+CMGD=3;+CMGD=4;+CMGR=5, one exchange for three', async () => {
    const { lines, lock, batcher } = setup();
    const release = hold(lock);
    const deleted = Promise.all([batcher.delete('SM', 3), batcher.delete('SM', 4)]);
    const read = lock.run(() => batcher.piggyback('SM', { text: 'AT+CMGR=5' }, async () => 'alone'));
    release();
    await Promise.all([deleted, read]);
    expect(lines).toEqual(['AT+CMGD=3;+CMGD=4;+CMGR=5']);
  });

  it('when a read line fails, fails its deletes (they may have run) and reads again alone, never deleting again', async () => {
    const { lines, lock, batcher } = setup((line) => (line.startsWith('AT+CMGD=3;') ? new BridgeError('CMS_ERROR', 'SIM busy', { number: 314 }) : undefined));
    const release = hold(lock);
    const deleted = batcher.delete('SM', 3).then(() => 'deleted', () => 'failed');
    const read = lock.run(() => batcher.piggyback('SM', { text: 'AT+CMGR=5' }, async (command) => `read ${command.text} alone`));
    release();
    expect(await read).toBe('read AT+CMGR=5 alone');
    expect(await deleted).toBe('failed');
    expect(lines).toEqual(['AT+CMGD=3;+CMGR=5']);
  });
});
