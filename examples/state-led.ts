// An agent that watches the modem session's state to drive a status LED: solid when SMS works.
import { createBridge } from 'smsbridge';
import type { SessionState, Transport } from 'smsbridge';

export async function stateLed(setLed: (mode: 'solid' | 'blink' | 'off') => void, open?: () => Promise<Transport>) {
  const bridge = createBridge({ config: { store: { path: './agent.db' } }, ...(open ? { open } : {}) });
  bridge.state$.subscribe((state: SessionState) => setLed(state === 'ready' ? 'solid' : state === 'closed' || state === 'stopped' ? 'off' : 'blink'));
  await bridge.start();
  return bridge;
}
