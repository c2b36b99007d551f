// Table rows for the console's panels, built from the JSON the sandbox sends (src/sandbox/console-routes.ts).
import { clock, h } from './dom.js';

const ARROW = { to_sim: '→', from_sim: '←' };

export function commandRow(c) {
  return h(
    'tr',
    { 'data-sid': c.sid, 'data-seq': c.seq, 'data-direction': c.direction, 'data-status': c.status },
    h('td', { class: 'time' }, h('time', { datetime: c.date_created }, c.date_created.slice(11, 19))),
    h('td', { class: 'direction' }, h('span', { 'aria-hidden': 'true' }, `${ARROW[c.direction]} `), c.direction),
    h('td', { class: 'sim' }, c.sim),
    h('td', { class: 'payload' }, h('code', {}, c.payload), h('div', { class: 'sid' }, c.sid)),
    h(
      'td',
      {},
      h(
        'ol',
        { class: 'timeline', 'aria-label': `status ${c.status}` },
        c.timeline.map((step) => h('li', { class: `status status-${step.status}` }, h('span', {}, step.status), ' ', h('time', {}, clock(step.at)))),
      ),
      c.error ? h('div', { class: 'error' }, `error ${c.error.code}: ${c.error.message}`) : null,
    ),
  );
}

export function simRow(sim, inject) {
  const faults = sim.modem === 'none'
    ? h('span', { class: 'hint' }, 'no modem')
    : h(
        'div',
        { class: 'faults' },
        h('button', { type: 'button', 'aria-label': `Unplug the modem of ${sim.unique_name} for 5 seconds`, disabled: sim.modem !== 'plugged', onclick: () => inject(sim, 'unplug') }, 'Unplug 5 s'),
        h('button', { type: 'button', 'aria-label': `Reboot the modem of ${sim.unique_name}`, disabled: sim.modem !== 'plugged', onclick: () => inject(sim, 'reboot') }, 'Reboot'),
      );
  return h(
    'tr',
    { 'data-sim': sim.sid, 'data-modem': sim.modem, 'data-bridge': sim.bridge ?? 'none' },
    h('th', { scope: 'row' }, sim.unique_name, sim.status === 'inactive' ? ' (inactive)' : '', h('div', { class: 'sid' }, sim.sid)),
    h('td', {}, h('span', { class: `state state-${sim.modem}` }, sim.modem === 'none' ? 'not attached' : sim.modem)),
    h('td', {}, sim.bridge ? h('span', { class: `state bridge-${sim.bridge}` }, sim.bridge) : h('span', { class: 'hint' }, 'no bridge')),
    h('td', {}, faults),
  );
}

export function webhookRow(call) {
  const p = call.params;
  const answer = call.status !== null ? `${call.status} · ${call.ms} ms` : `no answer: ${call.error}`;
  const target = new URL(call.url);
  return h(
    'tr',
    { 'data-webhook': call.id, 'data-command': call.commandSid },
    h('td', { class: 'time' }, clock(call.at)),
    h('td', { class: 'call' }, h('span', { class: 'method' }, call.method), ' ', h('span', { title: call.url }, target.pathname)),
    h('td', { class: call.status !== null && call.status < 300 ? 'ok answer' : 'error answer' }, answer),
    h(
      'td',
      {},
      h(
        'details',
        {},
        h('summary', {}, `${p.Direction} ${p.Status} `, h('code', {}, p.Payload)),
        h('dl', { class: 'params' }, h('dt', {}, 'URL'), h('dd', {}, call.url), Object.entries(p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      ),
    ),
  );
}
