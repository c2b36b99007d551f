import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AtCommand, AtResponse } from '../../src/at/command.js';
import { BridgeError } from '../../src/errors.js';
import { DeleteBatcher } from '../../src/sms/delete-batcher.js';
import { SerialLock } from '../../src/sms/serial-lock.js';
import { cmgr } from '../../src/sms/sms-commands.js';
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

/** `home`: the storage init chose ("SM" unless given; undefined when init kept the modem default). */
function setup(answer?: (line: string) => BridgeError | undefined, options: { home?: string } = {}) {
  const { modem, lines } = fakeModem(answer);
  const lock = new SerialLock();
  const storage = new StorageSelector(modem);
  storage.reset('home' in options ? options.home : 'SM');
  return { lines, lock, storage, batcher: new DeleteBatcher({ modem, lock, storage }) };
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

  it('keeps lines short (8 deletes each) and selects another storage on the line that deletes there', async () => {
    const { lines, lock, batcher } = setup();
    const release = hold(lock);
    const done = Promise.all([...Array.from({ length: 10 }, (_, i) => batcher.delete('SM', i)), batcher.delete('SR', 0)]);
    release();
    await done;
    expect(lines).toEqual(['AT+CMGD=0;+CMGD=1;+CMGD=2;+CMGD=3;+CMGD=4;+CMGD=5;+CMGD=6;+CMGD=7', 'AT+CMGD=8;+CMGD=9', 'AT+CPMS="SR";+CMGD=0']);
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

describe('DeleteBatcher lines in the home storage and in another one', () => {
  const refused = (line: string) => (line.includes(';') ? new BridgeError('AT_ERROR', 'ERROR') : undefined);

  it.each([
    { what: 'home, one delete', home: 'SM', storage: 'SM', indexes: [7], lines: ['AT+CMGD=7'] },
    { what: 'home, a batch', home: 'SM', storage: 'SM', indexes: [3, 4], lines: ['AT+CMGD=3;+CMGD=4'] },
    { what: 'home, after a read moved mem1 elsewhere', home: 'SM', selected: 'SR', storage: 'SM', indexes: [3], lines: ['AT+CPMS="SM"', 'AT+CMGD=3'] },
    { what: 'another storage, one delete', home: 'SM', storage: 'SR', indexes: [0], lines: ['AT+CPMS="SR";+CMGD=0'] },
    { what: 'another storage, a batch', home: 'ME', storage: 'SM', indexes: [3, 4], lines: ['AT+CPMS="SM";+CMGD=3;+CMGD=4'] },
    { what: 'another storage that mem1 is believed to point at already', home: 'SM', selected: 'SR', storage: 'SR', indexes: [0], lines: ['AT+CPMS="SR";+CMGD=0'] },
    { what: 'no home known (init kept the modem default)', home: undefined, storage: 'SM', indexes: [3], lines: ['AT+CPMS="SM";+CMGD=3'] },
    { what: 'concatenation refused, home', home: 'SM', refuses: true, storage: 'SM', indexes: [3, 4], lines: ['AT+CMGD=3', 'AT+CMGD=4'] },
    { what: 'concatenation refused, another storage', home: 'SM', refuses: true, storage: 'SR', indexes: [0, 1], lines: ['AT+CPMS="SR"', 'AT+CMGD=0', 'AT+CMGD=1'] },
    { what: 'concatenation refused, another storage already selected', home: 'SM', refuses: true, selected: 'SR', storage: 'SR', indexes: [0], lines: ['AT+CMGD=0'] },
  ])('$what: $lines', async ({ home, selected, refuses, storage: where, indexes, lines: expected }) => {
    const { lines, lock, storage, batcher } = setup(refuses ? refused : undefined, { home });
    if (refuses) {
      // A plain ERROR to a line of several commands: the modem does not concatenate (V.250 §5.4.1).
      const release = hold(lock);
      const first = Promise.allSettled([batcher.delete(home ?? 'SM', 1), batcher.delete(home ?? 'SM', 2)]);
      release();
      await first;
    }
    if (selected !== undefined) await storage.select(selected);
    lines.length = 0;
    const release = hold(lock);
    const done = Promise.all(indexes.map((i) => batcher.delete(where, i)));
    release();
    await done;
    expect(lines).toEqual(expected);
    expect(storage.selected).toBe(where);
  });

  it.each([
    { what: 'the home storage', storage: 'SM', line: 'AT+CMGD=3;+CMGR=5' },
    { what: 'another storage', storage: 'SR', line: 'AT+CPMS="SR";+CMGD=3;+CMGR=5' },
  ])('a read in $what carries the deletes waiting there as $line', async ({ storage: where, line }) => {
    const { lines, lock, storage, batcher } = setup();
    const release = hold(lock);
    const deleted = batcher.delete(where, 3);
    const read = lock.run(async () => {
      await storage.select(where);
      lines.length = 0;
      return batcher.piggyback(where, { text: 'AT+CMGR=5' }, async () => 'alone');
    });
    release();
    await Promise.all([deleted, read]);
    expect(lines).toEqual([line]);
    expect(storage.selected).toBe(where);
  });

  it('after a failed line that selected, does not know where mem1 points: the next job selects again', async () => {
    const { lock, storage, batcher } = setup((line) => (line.startsWith('AT+CPMS="SR";') ? new BridgeError('CMS_ERROR', 'SIM busy', { number: 314 }) : undefined));
    await storage.select('SR');
    const release = hold(lock);
    const deleted = batcher.delete('SR', 0);
    release();
    await expect(deleted).rejects.toMatchObject({ code: 'CMS_ERROR', number: 314 });
    expect(storage.selected).toBeUndefined();
  });
});

/**
 * A modem that keeps AT+CPMS mem1 as a real one does (the commands of a line run in order,
 * V.250 §5.4.1) and records the slot each AT+CMGD and AT+CMGR took. `beforeDeleting` runs once,
 * just before the first line that deletes: the modem was configured again while that line waited
 * (a silent reset found), and init pointed mem1 back at the home storage.
 */
function mem1Modem(home: string) {
  let mem1 = home;
  const deleted: string[] = [];
  const read: string[] = [];
  let beforeDeleting: (() => void) | undefined;
  const modem: SmsModem = {
    urc$: EMPTY,
    ready$: EMPTY,
    send: async <T>(command: AtCommand<T>) => {
      if (command.text.includes('+CMGD=') && beforeDeleting) {
        beforeDeleting();
        beforeDeleting = undefined;
        mem1 = home;
      }
      const lines: string[] = [];
      for (const one of command.text.replace(/^AT/i, '').split(';')) {
        const select = /^\+CPMS="(\w+)"$/.exec(one);
        if (select) {
          mem1 = select[1]!;
          lines.push('+CPMS: 1,20,0,50,0,50');
        }
        const index = /^\+CMG([DR])=(\d+)$/.exec(one);
        if (index?.[1] === 'D') deleted.push(`${mem1}:${index[2]}`);
        if (index?.[1] === 'R') {
          read.push(`${mem1}:${index[2]}`);
          lines.push('+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"', `ping ${mem1}:${index[2]}`);
        }
      }
      const response: AtResponse = { lines, final: 'OK' };
      return command.parse ? command.parse(response) : (response as T);
    },
  };
  const lock = new SerialLock();
  const storage = new StorageSelector(modem);
  storage.reset(home);
  const batcher = new DeleteBatcher({ modem, lock, storage });
  return { lock, storage, batcher, deleted, read, reinitBeforeDeleting: () => (beforeDeleting = () => storage.reset(home)) };
}

describe('DeleteBatcher and a re-init between the select and the delete', () => {
  it('deletes a status report in "SR", not the unread message at the same index of the home storage', async () => {
    const { batcher, storage, deleted, reinitBeforeDeleting } = mem1Modem('ME');
    reinitBeforeDeleting();
    await batcher.delete('SR', 0);
    // Before: `AT+CPMS="SR"`, the re-init (mem1 back at ME), then `AT+CMGD=0` freed ME:0.
    expect(deleted).toEqual(['SR:0']);
    expect(storage.epoch).toBe(2);
    expect(storage.selected).toBe('SR');
  });

  it('selects on the delete line even when mem1 is believed to point there already (a read selected it)', async () => {
    const { lock, batcher, storage, deleted, reinitBeforeDeleting } = mem1Modem('ME');
    await lock.run(() => storage.select('SM'));
    reinitBeforeDeleting();
    await Promise.all([batcher.delete('SM', 3), batcher.delete('SM', 4)]);
    // Before: the selector saw mem1 at SM and sent `AT+CMGD=3` alone, which ran in ME after the re-init.
    expect(deleted.sort()).toEqual(['SM:3', 'SM:4']);
    expect(storage.selected).toBe('SM');
  });

  it('deletes riding on a read select their storage on that line too: the read job\'s select came on an earlier one', async () => {
    const { lock, batcher, storage, deleted, read, reinitBeforeDeleting } = mem1Modem('ME');
    const release = hold(lock);
    const freed = batcher.delete('SM', 3);
    // The inbox's read of SM:5: its select, then the read with the deletes for SM in front.
    const record = lock.run(async () => {
      await storage.select('SM');
      reinitBeforeDeleting();
      return batcher.piggyback('SM', cmgr(5, 'text'), async () => undefined);
    });
    release();
    await freed;
    // Before: `AT+CMGD=3;+CMGR=5` ran in ME after the re-init and freed ME:3.
    expect(deleted).toEqual(['SM:3']);
    expect(read).toEqual(['SM:5']);
    // The select's +CPMS line is not taken for the read's header.
    expect(await record).toMatchObject({ kind: 'deliver', sender: '000', text: 'ping SM:5', index: 5 });
  });
});
