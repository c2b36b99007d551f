/**
 * The SIMs as the console shows them: each with its virtual modem (attached, plugged or not) and
 * the state of the bridge running on it, when there is one; and the faults a developer may
 * inject into a modem to watch the device recover (the simulator's unplug and reboot,
 * docs/simulator.md).
 */
import { Subject, type Observable, type Subscription } from '../rx.js';
import { badParameter, notFound } from './api-error.js';
import type { RegistryStore } from './registry-store.js';
import type { SimModem } from './sim-modem.js';

export const FAULTS = ['unplug', 'reboot'] as const;
export type Fault = (typeof FAULTS)[number];

/** A modem that can be faulted: `VirtualModem` has both methods. */
export interface FaultableModem extends SimModem {
  unplug?(ms?: number): void;
  reboot?(): void;
}

export interface SimView {
  sid: string;
  unique_name: string;
  status: 'active' | 'inactive';
  modem: 'none' | 'plugged' | 'unplugged';
  /** The bridge's session state (`ready`, `backoff`…), null when no bridge runs on the modem. */
  bridge: string | null;
}

/** How long an unplugged modem stays away unless told (ms), and the bounds a request may ask. */
export const UNPLUG_MS = { default: 3000, min: 100, max: 600_000 } as const;

export class SimBoard {
  readonly #modems = new Map<string, FaultableModem>();
  readonly #bridges = new Map<string, string>();
  readonly #changed = new Subject<SimView>();
  /** A SIM's view each time its modem or bridge changes. */
  readonly changed$: Observable<SimView> = this.#changed.asObservable();

  constructor(private readonly registry: RegistryStore) {}

  /** Follows the modem's plug state and the bridge's state; the returned function stops. */
  attach(simSid: string, modem: FaultableModem, bridgeState$?: Observable<string>): () => void {
    this.#modems.set(simSid, modem);
    const subscriptions: Subscription[] = [modem.plug$.subscribe(() => this.#emit(simSid))];
    if (bridgeState$) {
      subscriptions.push(
        bridgeState$.subscribe((state) => {
          this.#bridges.set(simSid, state);
          this.#emit(simSid);
        }),
      );
    }
    this.#emit(simSid);
    return () => {
      subscriptions.forEach((s) => s.unsubscribe());
      if (this.#modems.get(simSid) === modem) this.#modems.delete(simSid);
      this.#bridges.delete(simSid);
    };
  }

  /** By name, numbers in order (sim-2 before sim-10): SIMs created in the same millisecond have no other order. */
  views(): SimView[] {
    return this.registry
      .sims()
      .sort((a, b) => a.uniqueName.localeCompare(b.uniqueName, 'en', { numeric: true }))
      .map((sim) => this.#view(sim.sid)!);
  }

  /** Injects a fault into the SIM's modem (by SID or unique name); bad input is a 400 that says why. */
  fault(simKey: string, form: URLSearchParams): { sim: SimView; fault: Fault; ms: number | null } {
    const sim = this.registry.sim(simKey);
    if (!sim) throw notFound(`/v1/Sims/${simKey}`);
    const fault = faultOf(form.get('Fault'));
    const modem = this.#modems.get(sim.sid);
    if (!modem) throw badParameter(`SIM ${sim.uniqueName} has no modem attached`);
    if (fault === 'reboot') {
      if (!modem.reboot) throw badParameter(`the modem of SIM ${sim.uniqueName} cannot reboot`);
      modem.reboot();
      return { sim: this.#view(sim.sid)!, fault, ms: null };
    }
    const ms = unplugMs(form.get('Ms'));
    if (!modem.unplug) throw badParameter(`the modem of SIM ${sim.uniqueName} cannot be unplugged`);
    if (!modem.isPlugged) throw badParameter(`the modem of SIM ${sim.uniqueName} is already unplugged`);
    modem.unplug(ms);
    return { sim: this.#view(sim.sid)!, fault, ms };
  }

  #emit(simSid: string): void {
    const view = this.#view(simSid);
    if (view) this.#changed.next(view);
  }

  #view(simSid: string): SimView | undefined {
    const sim = this.registry.sim(simSid);
    if (!sim) return undefined;
    const modem = this.#modems.get(sim.sid);
    return {
      sid: sim.sid,
      unique_name: sim.uniqueName,
      status: sim.status,
      modem: modem ? (modem.isPlugged ? 'plugged' : 'unplugged') : 'none',
      bridge: this.#bridges.get(sim.sid) ?? null,
    };
  }
}

function faultOf(raw: string | null): Fault {
  if (raw === null || raw === '') throw badParameter(`Missing required parameter Fault in the post body (one of ${FAULTS.join(', ')})`);
  const fault = FAULTS.find((f) => f === raw);
  if (!fault) throw badParameter(`Fault must be one of ${FAULTS.join(', ')}, not ${JSON.stringify(raw)}`);
  return fault;
}

function unplugMs(raw: string | null): number {
  if (raw === null || raw === '') return UNPLUG_MS.default;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < UNPLUG_MS.min || ms > UNPLUG_MS.max) throw badParameter(`Ms must be a whole number of milliseconds from ${UNPLUG_MS.min} to ${UNPLUG_MS.max}, not ${JSON.stringify(raw)}`);
  return ms;
}
