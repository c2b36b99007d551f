/** `/v1/SmsCommands`: create, fetch and list, per the reference's OpenAPI. */
import { badParameter, notFound } from './api-error.js';
import type { CommandStore } from './command-store.js';
import { pageMeta, parsePageRequest } from './paging.js';
import { httpMethod, oneOf, optional, payload, required, url } from './params.js';
import type { RegistryStore } from './registry-store.js';
import { commandJson, DIRECTIONS, STATUSES, type CommandRecord, type SmsCommandJson } from './resources.js';
import { isSid } from './sids.js';

export interface CommandRouteDeps {
  commands: CommandStore;
  registry: RegistryStore;
  /** A command was queued: deliver it soon (after the 201 went out). */
  queued: (command: CommandRecord) => void;
}

export function createCommand(deps: CommandRouteDeps, form: URLSearchParams, baseUrl: string): SmsCommandJson {
  const simKey = required(form, 'Sim', 'post body');
  const text = payload(form);
  const callbackUrl = url(form, 'CallbackUrl');
  const callbackMethod = httpMethod(form, 'CallbackMethod');
  const sim = deps.registry.sim(simKey);
  if (!sim) throw notFound(`/v1/Sims/${simKey}`);
  const command = deps.commands.create({ simSid: sim.sid, payload: text, direction: 'to_sim', status: 'queued', callbackUrl, callbackMethod });
  deps.queued(command);
  return commandJson(command, baseUrl);
}

export function fetchCommand(deps: CommandRouteDeps, sid: string, baseUrl: string): SmsCommandJson {
  // The path parameter's pattern is ^HC[0-9a-fA-F]{32}$; anything else cannot name a command.
  const command = isSid('HC', sid) ? deps.commands.get(sid) : undefined;
  if (!command) throw notFound(`/v1/SmsCommands/${sid}`);
  return commandJson(command, baseUrl);
}

export function listCommands(deps: CommandRouteDeps, query: URLSearchParams, baseUrl: string) {
  const simKey = optional(query, 'Sim');
  const status = oneOf(query, 'Status', STATUSES);
  const direction = oneOf(query, 'Direction', DIRECTIONS);
  const request = parsePageRequest(query);
  let simSid: string | undefined;
  if (simKey !== undefined) {
    simSid = deps.registry.sim(simKey)?.sid;
    if (simSid === undefined) throw notFound(`/v1/Sims/${simKey}`);
  }
  const filters = { simSid, status, direction };
  let anchor: number | undefined;
  if (request.token) {
    anchor = deps.commands.seqOf(request.token.sid);
    // A token whose command aged out of retention can no longer place the page.
    if (anchor === undefined) throw badParameter(`PageToken ${JSON.stringify(request.rawToken)} no longer points at a readable SMS Command`);
  }
  const page = deps.commands.list({
    ...filters,
    ...(request.token?.direction === 'after' ? { after: anchor } : {}),
    ...(request.token?.direction === 'before' ? { before: anchor } : {}),
    limit: request.pageSize,
  });
  const first = page[0];
  const last = page[page.length - 1];
  const exists = (q: { after?: number; before?: number }) => deps.commands.list({ ...filters, ...q, limit: 1 }).length > 0;
  return {
    sms_commands: page.map((c) => commandJson(c, baseUrl)),
    meta: pageMeta({
      listUrl: `${baseUrl}/v1/SmsCommands`,
      key: 'sms_commands',
      filters: [
        ['Sim', simKey],
        ['Status', status],
        ['Direction', direction],
      ],
      request,
      firstSid: first?.sid,
      lastSid: last?.sid,
      hasNewer: first !== undefined && exists({ before: first.seq }),
      hasOlder: last !== undefined && exists({ after: last.seq }),
    }),
  };
}
