import { Subject } from 'rxjs';
import type { BridgeSms } from '../../src/bridge/bridge.js';
import { BridgeError } from '../../src/errors.js';
import type { ReplyModem } from '../../src/sms/durable-sender.js';
import type { IncomingSms, StorageListing, StoredCopy } from '../../src/sms/inbox.js';
import { storeThenSend, type PreparedSms, type StoreAndSend, type StoredState } from '../../src/sms/outbox.js';
import type { StatusReportRecord } from '../../src/sms/types.js';

/** An SMS layer in memory: messages delivered by the test, sends recorded (and failed on demand). */
export class FakeSms implements BridgeSms, ReplyModem {
  readonly incoming = new Subject<IncomingSms>();
  readonly incoming$ = this.incoming.asObservable();
  readonly storedCopies = new Subject<StoredCopy>();
  readonly storedCopies$ = this.storedCopies.asObservable();
  readonly ready = new Subject<void>();
  readonly ready$ = this.ready.asObservable();
  readonly listings = new Subject<StorageListing>();
  readonly listings$ = this.listings.asObservable();
  /** Lists the slots as AT+CMGL would, after the listing's time. */
  list(): void {
    const copies = [...this.slots.entries()].map(([index, s]) => ({ storage: 'ME', index, recipient: s.to, text: s.text, sent: s.sent }));
    this.listings.next({ storage: 'ME', copies, at: new Date() });
  }
  readonly statusReports = new Subject<StatusReportRecord>();
  readonly statusReports$ = this.statusReports.asObservable();
  readonly deletes: number[] = [];
  /** The storage each delete named (undefined: the home storage). */
  readonly deleteStorages: (string | undefined)[] = [];
  /** Deletes fail while set (a modem rebooting under them). */
  deletesFail = false;
  readonly sent: { to: string; text: string }[] = [];
  readonly onSim = new Set<string>();
  /** Errors for the next writes (AT+CMGW), or for the next direct sends in `cmgs` mode. */
  failNext: BridgeError[] = [];
  /** Errors for the next AT+CMSS. */
  failSendStored: BridgeError[] = [];
  /** Replies stored on the "SIM" by index, with whether the modem sent them. */
  readonly slots = new Map<number, { text: string; to: string; sent: boolean }>();
  #mr = 0;
  #slot = 0;

  deliver(text: string, options: { sender?: string; at?: string; index?: number } = {}): void {
    const source = `SM:${options.index ?? this.onSim.size}`;
    this.onSim.add(source);
    this.incoming.next({
      kind: 'deliver',
      sender: options.sender ?? '000',
      timestamp: new Date(options.at ?? '2026-12-02T10:00:00Z'),
      timezoneKnown: true,
      text,
      raw: {},
      source,
      ack: async () => void this.onSim.delete(source),
    });
  }

  prepare(text: string, to: string): PreparedSms {
    if (text.length > 160) throw new BridgeError('SMS_TOO_LONG', 'too long');
    return { to, text, asText: true };
  }

  storeAndSend(sms: PreparedSms, journal: (index: number) => void): Promise<StoreAndSend> {
    return storeThenSend(() => this.write(sms), journal, (index) => this.sendStored(index));
  }

  async write(sms: PreparedSms): Promise<number> {
    const failure = this.failNext.shift();
    if (failure) throw failure;
    const index = this.#slot++;
    this.slots.set(index, { text: sms.text, to: sms.to, sent: false });
    return index;
  }

  async sendStored(index: number): Promise<number> {
    const failure = this.failSendStored.shift();
    if (failure) throw failure;
    const slot = this.slots.get(index)!;
    slot.sent = true;
    this.sent.push({ to: slot.to, text: slot.text });
    return this.#mr++;
  }

  async sendDirect(sms: PreparedSms): Promise<number> {
    const failure = this.failNext.shift();
    if (failure) throw failure;
    this.sent.push({ to: sms.to, text: sms.text });
    return this.#mr++;
  }

  async slotState(index: number): Promise<StoredState> {
    const slot = this.slots.get(index);
    return slot === undefined ? 'missing' : slot.sent ? 'sent' : 'unsent';
  }

  async free(index: number, storage?: string): Promise<void> {
    this.deletes.push(index);
    this.deleteStorages.push(storage);
    if (this.deletesFail) throw new BridgeError('MODEM_RESET', 'the modem restarted');
    this.slots.delete(index);
  }
}

