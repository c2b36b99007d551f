import { AtChannel } from '../at/at-channel.js';
import { escapeThenAt } from '../at/escape-then-at.js';
import { BridgeError } from '../errors.js';
import type { Logger } from '../log.js';
import { detectPort } from '../modem/port-detect.js';
import { modemUrcs } from '../modem/profiles.js';
import { SerialTransport } from '../transport/serial-transport.js';
import type { Transport } from '../transport/transport.js';

/** Says whether a modem answers on `path` (escapeThenAt, without the pause: any answer will do). */
export async function probeAt(path: string, baudRate: number, timeoutMs = 1500): Promise<boolean> {
  const transport = await SerialTransport.open({ path, baudRate });
  const channel = new AtChannel(transport, { urcs: modemUrcs() });
  try {
    return await escapeThenAt(channel, { timeoutMs });
  } catch {
    return false;
  } finally {
    await channel.close();
  }
}

/** Returns the function that opens the modem port: the configured path, or the detected one. */
export async function portOpener(port: string, baudRate: number, log: Logger): Promise<{ path: string; open: () => Promise<Transport> }> {
  let path = port;
  if (port === 'auto') {
    const { found, tried } = await detectPort((candidate) => probeAt(candidate, baudRate));
    for (const t of tried) log.debug({ path: t.candidate.path, reason: t.candidate.reason, answered: t.answered }, 'probed');
    if (!found) throw new BridgeError('NO_PORT_FOUND', tried.length ? `no candidate port answered AT (${tried.map((t) => t.candidate.path).join(', ')})` : 'no serial ports found: is the modem plugged in? (smsbridge detect)');
    log.info({ path: found.path, reason: found.reason }, 'modem port detected');
    path = found.path;
  }
  if (port !== 'auto') return { path, open: () => SerialTransport.open({ path, baudRate }) };
  // After an unplug the modem may come back under another ttyUSB number (and by-id links can
  // lag): try the port we had, then detect again.
  let current = path;
  const open = async (): Promise<Transport> => {
    try {
      return await SerialTransport.open({ path: current, baudRate });
    } catch (error) {
      const { found } = await detectPort((candidate) => probeAt(candidate, baudRate));
      if (!found) throw error;
      if (found.path !== current) log.info({ from: current, to: found.path }, 'the modem came back on another port');
      current = found.path;
      return SerialTransport.open({ path: current, baudRate });
    }
  };
  return { path, open };
}
