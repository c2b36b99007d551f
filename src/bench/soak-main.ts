import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSoak, soakPassed } from './soak.js';

/**
 * `npm run soak -- --commands N --fault-rate R --kill-every K`: see BENCHMARKS.md.
 * Exits 0 when nothing was lost or duplicated, 1 otherwise. The bridge under test is the built
 * CLI (`dist/cli/main.js`); run from the sources (with the TypeScript loader) it is `src/cli/main.ts`.
 */
const { values } = parseArgs({
  options: {
    commands: { type: 'string', default: '1000' },
    'fault-rate': { type: 'string', default: '0.02' },
    'kill-every': { type: 'string', default: '200' },
    window: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    'send-via': { type: 'string', default: 'storage' },
    delivery: { type: 'string', default: 'auto' },
    'check-ms': { type: 'string', default: '5000' },
    // How long the simulated network waits for AT+CNMA (the simulator's default: 15 s).
    'cnma-timeout-ms': { type: 'string' },
    'stall-ms': { type: 'string', default: '180000' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const number = (name: keyof typeof values, min: number, max = Number.POSITIVE_INFINITY) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
};
const sendVia = values['send-via'];
if (sendVia !== 'storage' && sendVia !== 'cmgs') throw new Error('--send-via must be storage or cmgs');

const self = fileURLToPath(import.meta.url);
const bridgeArgv = self.endsWith('.ts')
  ? ['--import', fileURLToPath(new URL('../../test/store/crash/register-ts.mjs', import.meta.url)), fileURLToPath(new URL('../cli/main.ts', import.meta.url))]
  : [fileURLToPath(new URL('../cli/main.js', import.meta.url))];

const report = await runSoak({
  commands: number('commands', 1),
  faultRate: number('fault-rate', 0, 1),
  killEvery: number('kill-every', 0),
  window: number('window', 1),
  seed: number('seed', 0),
  sendVia,
  delivery: values.delivery === 'store' ? 'store' : values.delivery === 'direct' ? 'direct' : 'auto',
  settingsCheckMs: number('check-ms', 0),
  ...(values['cnma-timeout-ms'] === undefined ? {} : { cnmaTimeoutMs: number('cnma-timeout-ms', 1) }),
  stallMs: number('stall-ms', 1000),
  bridgeArgv,
  keep: values.keep ?? false,
  progress: (line) => console.error(`soak: ${line}`),
});

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  const list = (ns: number[]) => (ns.length === 0 ? '0' : `${ns.length} (${ns.slice(0, 20).join(', ')}${ns.length > 20 ? ', …' : ''})`);
  const faults = Object.entries(report.faults).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  console.log(`soak: ${report.commands} commands, fault rate ${report.faultRate}, kill every ${report.killEvery || 'never'}, seed ${report.seed}: ${report.seconds.toFixed(0)} s`);
  console.log(`  faults injected      ${faults}`);
  console.log(`  SIGKILLs             ${report.kills}${report.portRetries ? ` (${report.portRetries} restarts found the modem unplugged: exit 3, started again)` : ''}`);
  console.log(`  commands lost        ${list(report.commandsLost)}`);
  console.log(`  actions run twice    ${list(report.actionsRunTwice)}`);
  console.log(`  replies lost         ${list(report.repliesLost)}`);
  console.log(`  replies duplicated   ${list(report.repliesDuplicated)}`);
  console.log(`  interrupted (ERR)    ${report.interrupted.length}${report.interrupted.length ? ` (${report.interrupted.filter((i) => i.ran).length} had run)` : ''}`);
  console.log(`  unexpected replies   ${report.unexpectedReplies.length}${report.unexpectedReplies.length ? `: ${report.unexpectedReplies.slice(0, 5).join(' | ')}` : ''}`);
  console.log(`  longest wait         ${(report.longestWait.ms / 1000).toFixed(1)} s (command ${report.longestWait.n})`);
  console.log(`  left in storage      ${report.storageLeft}`);
  console.log(`  bridge crashes       ${report.crashes.length}`);
  for (const crash of report.crashes.slice(0, 3)) console.log(crash.replace(/^/gm, '    '));
  if (report.stalled) console.log('  stalled: replies stopped coming before every command was answered');
  if (report.dir) console.log(`  kept ${report.dir}`);
}
process.exit(soakPassed(report) && !report.stalled ? 0 : 1);
