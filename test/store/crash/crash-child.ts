/**
 * A miniature bridge for the crash test, run in a child process and killed with SIGKILL at an
 * arbitrary point. It does what the real bridge does around the store: on start, recover (run
 * received commands, finish handling ones as idempotent, resend uncertain replies), then take new
 * commands. It prints `recorded <id>` only after recordInbound returned, i.e. when the real bridge
 * would delete the SMS from the SIM.
 *
 * Usage: node --import ./register-ts.mjs crash-child.ts <db path> <first command number> <count|recover>
 */
import process from 'node:process';
import { BridgeStore } from '../../../src/store/index.js';

const [path = '', firstArg = '0', countArg = 'recover'] = process.argv.slice(2);
const store = BridgeStore.open(path);
const reply = (text: string) => ({ to: '000', text: text.replace(/^ping/, 'pong') });
let mr = 0;

function send(id: number): void {
  store.markSending(id);
  store.markSent(id, { messageReference: mr++ % 256 });
}

function handle(id: number, text: string): void {
  const { outboundId } = store.finishHandling(id, reply(text));
  if (outboundId !== null) send(outboundId);
}

// Recovery, in the order the dispatcher and outbox would run it.
const pending = store.pendingOutbound();
for (const row of [...pending.sending, ...pending.queued]) send(row.id);
const inbound = store.pendingInbound();
for (const row of inbound.handling) handle(row.id, row.text); // ping is idempotent: re-run
for (const row of inbound.received) {
  if (store.beginHandling(row.id)) handle(row.id, row.text);
}

if (countArg !== 'recover') {
  const first = Number(firstArg);
  for (let n = first; n < first + Number(countArg); n++) {
    const { id, duplicate } = store.recordInbound({
      sender: '000',
      sentAt: new Date(Date.UTC(2024, 0, 1) + n * 1000),
      text: `ping ${n}`,
      source: 'CMT',
    });
    process.stdout.write(`recorded ${id}\n`); // synchronous on a pipe (Linux)
    if (!duplicate && store.beginHandling(id)) handle(id, `ping ${n}`);
  }
}
store.close();
process.stdout.write('done\n');
