import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { AtChannel } from '../../src/at/at-channel.js';
import type { AtCommand } from '../../src/at/command.js';
import type { Urc } from '../../src/at/urc.js';
import { isBridgeError } from '../../src/errors.js';
import { modemUrcs } from '../../src/modem/profiles.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';

/**
 * The harvested field answers (fixtures/field/README.md): one JSON file per kind, each case with the
 * modem's answer, what we expect of it, and where the answer comes from.
 */
export interface FieldCase<E = unknown> {
  name: string;
  source: string;
  note?: string;
  expect: E;
  [field: string]: unknown;
}

export function fieldCases<C extends FieldCase>(kind: string): C[] {
  const file = JSON.parse(readFileSync(new URL(`../../fixtures/field/${kind}.json`, import.meta.url), 'utf8')) as { kind: string; cases: C[] };
  if (file.kind !== kind || file.cases.length === 0) throw new Error(`fixtures/field/${kind}.json holds no ${kind} cases`);
  return file.cases;
}

/** `[title, case]` rows for it.each, the title naming the source so a failure says where the answer came from. */
export const rows = <C extends FieldCase>(cases: C[]): [string, C][] => cases.map((c) => [`${c.name} — ${c.source}`, c]);

/**
 * Runs one command through the AT channel the bridge uses (with every vendor's URCs registered, as on
 * a real modem), answers it with the case's bytes, and settles what is left with fake timers: an
 * answer that never ends reaches its timeout instead of hanging the test.
 */
export async function throughChannel<T>(command: AtCommand<T>, answer: string): Promise<{ value?: T; error?: { code: string; message: string; number?: number }; written: string; urcs: Urc[] }> {
  vi.useFakeTimers();
  try {
    const transport = new MemoryTransport();
    const channel = new AtChannel(transport, { urcs: modemUrcs() });
    const urcs: Urc[] = [];
    channel.urc$.subscribe((u) => urcs.push(u));
    const settled = channel.send(command).then(
      (value) => ({ value }),
      (error: unknown) => {
        if (!isBridgeError(error)) throw error;
        return { error: { code: error.code, message: error.message, ...(error.number === undefined ? {} : { number: error.number }) } };
      },
    );
    transport.receive(answer);
    await vi.runAllTimersAsync();
    const result = await settled;
    return { ...result, written: transport.writtenText, urcs };
  } finally {
    vi.useRealTimers();
  }
}

/** Feeds unsolicited bytes to an idle channel and returns the URCs it emitted. */
export function urcsOf(bytes: string): Urc[] {
  const transport = new MemoryTransport();
  const channel = new AtChannel(transport, { urcs: modemUrcs() });
  const urcs: Urc[] = [];
  channel.urc$.subscribe((u) => urcs.push(u));
  transport.receive(bytes);
  return urcs;
}
