/**
 * Mobile-originated commands (reference: "SMS Commands from SIM"). Every SMS the device sends
 * becomes a `from_sim` command with status `received` — whatever number it was addressed to, as
 * the reference warns is the case today — and the SIM's fleet `sms_commands_url` is called with
 * the status-callback parameters.
 */
import type { Subscription } from '../rx.js';
import type { Logger } from '../log.js';
import type { CallbackSender } from './callbacks.js';
import { callbackParams } from './callbacks.js';
import type { CommandStore } from './command-store.js';
import type { RegistryStore } from './registry-store.js';
import type { CommandRecord } from './resources.js';
import type { SimModem } from './sim-modem.js';

export interface MoDeps {
  commands: CommandStore;
  registry: RegistryStore;
  callbacks: CallbackSender;
  log: Logger;
  recorded?: (command: CommandRecord) => void;
}

export function watchMobileOriginated(simSid: string, modem: SimModem, deps: MoDeps): Subscription {
  return modem.sent$.subscribe((sms) => {
    // One bad SMS must not end the stream (docs/design.md: catch per item).
    try {
      const command = deps.commands.create({ simSid, payload: sms.text, direction: 'from_sim', status: 'received' });
      if (sms.to !== '000') deps.log.warn({ command: command.sid, to: sms.to }, 'SMS to a number other than 000 treated as an SMS Command');
      deps.recorded?.(command);
      const sim = deps.registry.sim(simSid);
      const fleet = sim?.fleetSid ? deps.registry.fleet(sim.fleetSid) : undefined;
      if (fleet?.smsCommandsEnabled && fleet.smsCommandsUrl) {
        deps.callbacks.send(command.sid, fleet.smsCommandsUrl, fleet.smsCommandsMethod, callbackParams(command, sim));
      }
    } catch (error) {
      deps.log.error({ sim: simSid, error: (error as Error).message }, 'could not record a mobile-originated SMS');
    }
  });
}
