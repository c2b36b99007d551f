/**
 * Message memories (3GPP TS 27.005 §3.1 <mem1..3>): "SM" (SIM), "ME" (modem), "SR" (status
 * reports) with fixed capacities, and "MT" as the union of SM then ME. Index numbering starts
 * at each memory's base (0 or 1; quirks §2 "Index base differs").
 */
import type { MemName, PhysicalMem } from './profiles.js';
import type { SmsEncoding } from './sim-pdu.js';

/** <stat> (27.005 §3.1): 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT. */
export type SmsStat = 0 | 1 | 2 | 3;
export const STAT_TEXT = ['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT', 'ALL'] as const;

interface Common {
  stat: SmsStat;
  /** SMSC octets + TPDU, exactly as stored: a duplicate delivery repeats these bytes. */
  pdu: Buffer;
  tpduLength: number;
}
export interface StoredDeliver extends Common {
  kind: 'deliver';
  from: string;
  text: string;
  encoding: SmsEncoding;
  scts: Date;
  tzQuarters: number;
  smsc: string;
  /** Set for one part of a concatenated message: its PDU has TP-UDHI and a concatenation header. */
  part?: { ref: number; total: number; seq: number };
}
export interface StoredSubmit extends Common {
  kind: 'submit';
  to: string;
  text: string;
  encoding: SmsEncoding;
  fo: number;
  pid: number;
  dcs: number;
  vp: number;
}
export interface StoredStatusReport extends Common {
  kind: 'status';
  mr: number;
  recipient: string;
  scts: Date;
  dt: Date;
  tzQuarters: number;
  st: number;
}
export type StoredSms = StoredDeliver | StoredSubmit | StoredStatusReport;

export interface Slot {
  mem: PhysicalMem;
  index: number;
  sms: StoredSms;
}

export class SmsStorage {
  readonly #slots: Record<PhysicalMem, (StoredSms | undefined)[]>;
  readonly #config: Readonly<Record<PhysicalMem, { capacity: number; base: number }>>;

  constructor(config: Readonly<Record<PhysicalMem, { capacity: number; base: number }>>) {
    this.#config = config;
    this.#slots = {
      SM: new Array<StoredSms | undefined>(config.SM.capacity).fill(undefined),
      ME: new Array<StoredSms | undefined>(config.ME.capacity).fill(undefined),
      SR: new Array<StoredSms | undefined>(config.SR.capacity).fill(undefined),
    };
  }

  base(mem: MemName): number {
    return this.#config[mem === 'MT' ? 'SM' : mem].base;
  }

  capacity(mem: MemName): number {
    return mem === 'MT' ? this.#config.SM.capacity + this.#config.ME.capacity : this.#config[mem].capacity;
  }

  used(mem: MemName): number {
    return this.list(mem).length;
  }

  isFull(mem: MemName): boolean {
    return this.used(mem) >= this.capacity(mem);
  }

  /** Every slot of a memory in index order; MT lists SM then ME. */
  list(mem: MemName): Slot[] {
    return this.#physical(mem).flatMap(({ mem: physical, offset }) =>
      this.#slots[physical].flatMap((sms, slot) => (sms ? [{ mem: physical, index: this.base(mem) + offset + slot, sms }] : [])),
    );
  }

  get(mem: MemName, index: number): StoredSms | undefined {
    const where = this.#locate(mem, index);
    return where ? this.#slots[where.mem][where.slot] : undefined;
  }

  /** True when the index names a slot of that memory (empty or not). */
  isValidIndex(mem: MemName, index: number): boolean {
    return this.#locate(mem, index) !== undefined;
  }

  /** Stores in the first free slot; the index, or undefined when full. */
  put(mem: MemName, sms: StoredSms): number | undefined {
    for (const { mem: physical, offset } of this.#physical(mem)) {
      const slot = this.#slots[physical].findIndex((s) => s === undefined);
      if (slot >= 0) {
        this.#slots[physical][slot] = sms;
        return this.base(mem) + offset + slot;
      }
    }
    return undefined;
  }

  delete(mem: MemName, index: number): boolean {
    const where = this.#locate(mem, index);
    if (!where || !this.#slots[where.mem][where.slot]) return false;
    this.#slots[where.mem][where.slot] = undefined;
    return true;
  }

  #physical(mem: MemName): { mem: PhysicalMem; offset: number }[] {
    return mem === 'MT'
      ? [
          { mem: 'SM', offset: 0 },
          { mem: 'ME', offset: this.#config.SM.capacity },
        ]
      : [{ mem, offset: 0 }];
  }

  #locate(mem: MemName, index: number): { mem: PhysicalMem; slot: number } | undefined {
    let rel = index - this.base(mem);
    if (!Number.isInteger(rel) || rel < 0) return undefined;
    for (const { mem: physical } of this.#physical(mem)) {
      if (rel < this.#config[physical].capacity) return { mem: physical, slot: rel };
      rel -= this.#config[physical].capacity;
    }
    return undefined;
  }
}
