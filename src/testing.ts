/**
 * `smsbridge/testing`: the virtual modem the project's own tests use, for an agent's tests. It
 * answers AT commands as the vendor manuals say (profiles: quectel, simcom, sim800, huawei,
 * huawei-e3131, ublox, telit, generic), takes SMS from the "network" (`modem.deliver(…)`), and
 * records what the device sends (`modem.outbox`, `modem.sent$`). See docs/simulator.md.
 *
 * ```ts
 * const modem = new VirtualModem({ profile: 'quectel' });
 * const bridge = createBridge({ open: async () => new StreamTransport(modem.connect()) });
 * ```
 */
export { VirtualModem, type VirtualModemOptions } from './sim/virtual-modem.js';
export { PROFILE_NAMES, type ProfileName as SimProfileName } from './sim/profiles.js';
export { startPtyLink, type PtyLink } from './sim/pty-link.js';
export { StreamTransport } from './transport/stream-transport.js';
