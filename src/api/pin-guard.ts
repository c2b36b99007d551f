import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { PinGuard } from '../modem/init-sequence.js';
import { crypto } from '../crypto-on-demand.js';

/**
 * Refused PINs, remembered in a file beside the store (only a salted hash, never the PIN), so no
 * restart enters a PIN the SIM already refused: with `Restart=always` three restarts would
 * otherwise lock the SIM behind its PUK. Cleared when the SIM is found unlocked.
 */
export function fileGuard(path: string): PinGuard {
  const hash = (pin: string) => crypto().createHash('sha256').update(`smsbridge-pin:${pin}`).digest('hex');
  const read = (): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);
  return {
    wasRefused: (pin) => read().includes(hash(pin)),
    refused: (pin) => writeFileSync(path, [...new Set([...read(), hash(pin)])].join('\n') + '\n', { mode: 0o600 }),
    unlocked: () => {
      if (existsSync(path)) rmSync(path, { force: true });
    },
  };
}
