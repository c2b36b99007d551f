// An agent that maps a JSON command to a local function: {"led":"on"} → switches an LED, replies "led on".
import { createBridge } from 'smsbridge';
import type { Transport } from 'smsbridge';

export async function jsonToFunction(open?: () => Promise<Transport>) {
  const leds = new Map<string, boolean>();
  const bridge = createBridge({ config: { port: '/dev/serial/by-id/usb-Quectel_EC25-if02-port0', store: { path: './agent.db' } }, ...(open ? { open } : {}) });
  bridge.register({
    json: { led: /^(on|off)$/ },
    handler: ({ json }) => {
      const wanted = (json as { led: string }).led === 'on';
      leds.set('status', wanted);
      return `led ${wanted ? 'on' : 'off'}`;
    },
  });
  await bridge.start();
  return { bridge, leds };
}
