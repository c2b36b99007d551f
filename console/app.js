// The sandbox console: loads the SIMs, the newest commands and the webhook calls, then follows the
// sandbox's event stream (Server-Sent Events) and keeps the tables current. Commands are sent
// through the public API (POST /v1/SmsCommands) with a token the page gets from the sandbox.
import { LIMIT, measure } from './gsm7.js';
import { commandRow, simRow, webhookRow } from './rows.js';

const $ = (selector) => document.querySelector(selector);
const commandsBody = $('#commands tbody');
const simsBody = $('#sims tbody');
const webhooksBody = $('#webhooks tbody');
const PAGE = 100;

/** sid → the command's latest JSON and its row. */
const commands = new Map();
const webhookIds = new Set();
let oldestSeq = Infinity;
let token = null;

async function getJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function announce(text) {
  $('#announce').textContent = text;
}

// ---- commands ------------------------------------------------------------------------------

/** Adds or replaces a command's row, kept in seq order (newest first). */
function showCommand(c) {
  const known = commands.get(c.sid);
  // The stream and a page load may bring the same command; the one that saw more steps wins.
  if (known && known.data.timeline.length > c.timeline.length) return;
  const row = commandRow(c);
  if (known) known.row.replaceWith(row);
  else if (Number(commandsBody.lastElementChild?.dataset.seq ?? Infinity) > c.seq) commandsBody.append(row); // a page of older ones
  else {
    let before = null;
    for (const other of commandsBody.children) {
      if (Number(other.dataset.seq) < c.seq) {
        before = other;
        break;
      }
    }
    commandsBody.insertBefore(row, before);
  }
  commands.set(c.sid, { data: c, row });
  oldestSeq = Math.min(oldestSeq, c.seq);
}

async function loadCommands(after) {
  const page = await getJson(`/console/api/commands?limit=${PAGE}${after === undefined ? '' : `&after=${after}`}`);
  page.commands.forEach(showCommand);
  $('#older').hidden = !page.older;
}

// ---- SIMs and faults ---------------------------------------------------------------------------

function showSim(sim) {
  const row = simRow(sim, inject);
  const old = simsBody.querySelector(`tr[data-sim="${sim.sid}"]`);
  // Keep the keyboard focus on the button that was pressed, though its row is rebuilt.
  const focused = old?.contains(document.activeElement) ? document.activeElement.textContent : null;
  if (old) old.replaceWith(row);
  else simsBody.append(row);
  if (focused) [...row.querySelectorAll('button')].find((b) => b.textContent === focused && !b.disabled)?.focus();
  const select = $('#send-sim');
  if (!select.querySelector(`option[value="${sim.unique_name}"]`)) select.append(new Option(sim.unique_name, sim.unique_name));
}

async function inject(sim, fault) {
  const body = new URLSearchParams({ Fault: fault, ...(fault === 'unplug' ? { Ms: '5000' } : {}) });
  const response = await fetch(`/console/api/sims/${encodeURIComponent(sim.sid)}/faults`, { method: 'POST', body });
  const answer = await response.json();
  announce(response.ok ? `${fault} injected into the modem of ${sim.unique_name}` : `fault refused: ${answer.message}`);
}

// ---- webhooks ----------------------------------------------------------------------------------

function showWebhook(call) {
  if (webhookIds.has(call.id)) return;
  webhookIds.add(call.id);
  const row = webhookRow(call);
  const newer = [...webhooksBody.children].find((r) => Number(r.dataset.webhook) < call.id);
  webhooksBody.insertBefore(row, newer ?? null);
}

// ---- the send form -----------------------------------------------------------------------------

const payload = $('#send-payload');

function updateCount() {
  const { septets, unsendable } = measure(payload.value);
  const count = $('#send-count');
  const over = septets - LIMIT;
  count.textContent = unsendable !== null
    ? `${JSON.stringify(unsendable)} is not a GSM-7 character: the API will refuse it`
    : over > 0
      ? `${septets} / ${LIMIT}: ${over} too many, the API will refuse it`
      : `${septets} / ${LIMIT}`;
  const bad = unsendable !== null || over > 0;
  count.classList.toggle('over', bad);
  payload.setAttribute('aria-invalid', String(bad));
}

async function bearer(renew = false) {
  if (!token || renew) token = (await (await fetch('/console/api/token', { method: 'POST' })).json()).access_token;
  return token;
}

async function createCommand(form) {
  const post = async (renew) => fetch('/v1/SmsCommands', { method: 'POST', body: form, headers: { authorization: `Bearer ${await bearer(renew)}` } });
  let response = await post(false);
  // Tokens live in memory: after a sandbox restart the page needs a new one.
  if (response.status === 401) response = await post(true);
  return { response, body: await response.json() };
}

async function send(event) {
  event.preventDefault();
  $('#send-error').textContent = '';
  $('#send-ok').textContent = '';
  // Sent as typed, even when the counter warns: the API's answer is the rule.
  const form = new URLSearchParams({ Sim: $('#send-sim').value, Payload: payload.value });
  try {
    const { response, body } = await createCommand(form);
    if (!response.ok) {
      $('#send-error').textContent = `The API refused it (HTTP ${response.status}, error ${body.code}): ${body.message}`;
      payload.focus();
      return;
    }
    $('#send-ok').textContent = `Queued ${body.sid} to ${form.get('Sim')}.`;
    payload.value = '';
    updateCount();
  } catch (error) {
    $('#send-error').textContent = `Could not reach the sandbox: ${error.message}`;
  }
}

// ---- live updates ------------------------------------------------------------------------------

function connect() {
  const connection = $('#connection');
  const events = new EventSource('/console/api/events');
  let dropped = false;
  events.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.dataset.state = 'live';
    // Whatever happened while the stream was down: read the lists again.
    if (dropped) void loadAll();
  });
  events.addEventListener('error', () => {
    dropped = true;
    connection.textContent = 'reconnecting…';
    connection.dataset.state = 'reconnecting';
  });
  events.addEventListener('command', (e) => {
    const c = JSON.parse(e.data);
    const known = commands.get(c.sid);
    showCommand(c);
    if (c.direction === 'from_sim' && !known) announce(`${c.sim} sent ${c.payload}`);
    else if (known && known.data.status !== c.status) announce(`${c.payload} to ${c.sim}: ${c.status}`);
  });
  events.addEventListener('sim', (e) => showSim(JSON.parse(e.data)));
  events.addEventListener('webhook', (e) => showWebhook(JSON.parse(e.data)));
}

async function loadAll() {
  const [sims, , hooks] = await Promise.all([getJson('/console/api/sims'), loadCommands(), getJson('/console/api/webhooks')]);
  sims.sims.forEach(showSim);
  hooks.webhooks.forEach(showWebhook);
}

payload.addEventListener('input', updateCount);
$('#send').addEventListener('submit', send);
$('#older').addEventListener('click', () => void loadCommands(oldestSeq));
// The stream first, so nothing that happens during the first load is missed.
connect();
await loadAll();
// The bench reads this: time from navigation to the first rendered list (npm run bench -- --only console).
requestAnimationFrame(() => performance.mark('console-list-rendered'));
