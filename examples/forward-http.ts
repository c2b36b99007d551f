// An agent that forwards every "svc …" command to a local HTTP service and replies with its answer.
import { createBridge, ActionFailure } from 'smsbridge';
import type { Transport } from 'smsbridge';

export async function forwardToHttp(serviceUrl: string, open?: () => Promise<Transport>) {
  const bridge = createBridge({ config: { store: { path: './agent.db' } }, ...(open ? { open } : {}) });
  bridge.register({
    verb: 'svc',
    timeoutMs: 10_000,
    handler: async ({ args, signal }) => {
      const response = await fetch(serviceUrl, { method: 'POST', body: args.join(' '), signal });
      if (!response.ok) throw new ActionFailure(`service answered ${response.status}`);
      return (await response.text()).slice(0, 160);
    },
  });
  await bridge.start();
  return bridge;
}
