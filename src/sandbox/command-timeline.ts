/**
 * Each command's status timeline (queued → sent → delivered/failed; received) for the console.
 * The resource keeps only its current status, so the steps are recorded as they happen, in
 * memory; a command from an earlier run gets the steps its dates still tell (created, updated).
 */
import type { CommandRecord, Direction, Status } from './resources.js';
import { isoDate } from './resources.js';

export interface TimelineStep {
  status: Status;
  /** Sandbox clock, milliseconds since the epoch. */
  at: number;
}

/** What the console shows of a command: the resource's fields plus its steps and error. */
export interface ConsoleCommand {
  seq: number;
  sid: string;
  sim_sid: string;
  sim: string;
  payload: string;
  direction: Direction;
  status: Status;
  date_created: string;
  timeline: TimelineStep[];
  error: { code: number; message: string } | null;
}

export class CommandTimelines {
  readonly #steps = new Map<string, TimelineStep[]>();

  /** Enough for the console's pages; the oldest timelines are forgotten first (a Map keeps insertion order). */
  constructor(private readonly keep = 5000) {}

  /** Records the command's status as a step, unless it is the step already last. */
  record(command: CommandRecord): void {
    const steps = this.#steps.get(command.sid);
    if (!steps) {
      // A command first seen past `queued` (pending from an earlier run) starts with what its dates tell.
      this.#steps.set(command.sid, this.of(command));
      if (this.#steps.size > this.keep) this.#steps.delete(this.#steps.keys().next().value!);
      return;
    }
    if (steps[steps.length - 1]!.status !== command.status) steps.push({ status: command.status, at: command.updated });
  }

  of(command: CommandRecord): TimelineStep[] {
    const steps = this.#steps.get(command.sid);
    if (steps) return [...steps];
    if (command.direction === 'from_sim') return [{ status: command.status, at: command.created }];
    const first: TimelineStep = { status: 'queued', at: command.created };
    return command.status === 'queued' ? [first] : [first, { status: command.status, at: command.updated }];
  }

  json(command: CommandRecord, simName: string | undefined): ConsoleCommand {
    return {
      seq: command.seq,
      sid: command.sid,
      sim_sid: command.simSid,
      sim: simName ?? command.simSid,
      payload: command.payload,
      direction: command.direction,
      status: command.status,
      date_created: isoDate(command.created),
      timeline: this.of(command),
      error: command.status === 'failed' && command.errorCode !== null ? { code: command.errorCode, message: command.errorMessage ?? '' } : null,
    };
  }
}
