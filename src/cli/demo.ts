import type { Route } from '../dispatch/types.js';

/** Stand-ins for a device agent's actions, so the demos' samples have something to run. */
export const DEMO_ROUTES: Route[] = [
  {
    name: 'settings',
    json: { enable: /^(true|false)$/i },
    handler: ({ json }) => {
      const s = json as Record<string, unknown>;
      return `OK enable=${String(s.enable)} reset=${String(s.reset ?? '-')} when=${String(s.when ?? '-')}`;
    },
  },
  { verb: 'reboot', handler: ({ args }) => `OK rebooting ${args.join(' ') || 'now'} (demo: nothing happens)` },
];

/** The sample SMS Commands both demos send: a verb, the status line, the seed's JSON, a custom action. */
export const DEMO_SAMPLES = ['ping 42', 'status', '{"enable":"True", "reset":"False","when":"Immediate"}', 'reboot now'];
