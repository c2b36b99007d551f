/**
 * `/v1/Fleets` and `/v1/Sims`: the sandbox's minimal way to create and change them. The field
 * names follow the real Fleet and Sim resources (`unique_name`, `sms_commands_url`,
 * `sms_commands_method`, `fleet_sid`, `status`); lists return everything on one page.
 */
import { badParameter, notFound } from './api-error.js';
import { httpMethod, oneOf, optional, url } from './params.js';
import type { FleetInput, RegistryStore, SimInput } from './registry-store.js';
import { fleetJson, simJson } from './resources.js';

function uniqueName(form: URLSearchParams, taken: (name: string) => boolean): string | undefined {
  const name = optional(form, 'UniqueName');
  if (name === undefined) return undefined;
  // A name shaped like a SID would make "SID or unique name" lookups ambiguous.
  if (/^[A-Z]{2}[0-9a-fA-F]{32}$/.test(name)) throw badParameter('UniqueName must not look like a SID');
  if (taken(name)) throw badParameter(`UniqueName ${JSON.stringify(name)} is already in use`);
  return name;
}

function boolean(form: URLSearchParams, name: string): boolean | undefined {
  const value = oneOf(form, name, ['true', 'false', 'True', 'False']);
  return value === undefined ? undefined : value.toLowerCase() === 'true';
}

function fleetInput(registry: RegistryStore, form: URLSearchParams, self?: string): FleetInput {
  return {
    uniqueName: uniqueName(form, (n) => registry.fleet(n) !== undefined && registry.fleet(n)?.sid !== self),
    smsCommandsEnabled: boolean(form, 'SmsCommandsEnabled'),
    smsCommandsUrl: url(form, 'SmsCommandsUrl'),
    smsCommandsMethod: httpMethod(form, 'SmsCommandsMethod'),
  };
}

function simInput(registry: RegistryStore, form: URLSearchParams, self?: string): SimInput {
  const fleet = optional(form, 'Fleet');
  if (fleet !== undefined && !registry.fleet(fleet)) throw notFound(`/v1/Fleets/${fleet}`);
  return {
    uniqueName: uniqueName(form, (n) => registry.sim(n) !== undefined && registry.sim(n)?.sid !== self),
    fleet,
    status: oneOf(form, 'Status', ['active', 'inactive'] as const),
    iccid: optional(form, 'Iccid'),
  };
}

export const fleetRoutes = {
  create: (registry: RegistryStore, form: URLSearchParams, base: string) => fleetJson(registry.createFleet(fleetInput(registry, form)), base),
  fetch: (registry: RegistryStore, key: string, base: string) => fleetJson(fleetOr404(registry, key), base),
  update: (registry: RegistryStore, key: string, form: URLSearchParams, base: string) => {
    const fleet = fleetOr404(registry, key);
    return fleetJson(registry.updateFleet(fleet.sid, fleetInput(registry, form, fleet.sid)), base);
  },
  list: (registry: RegistryStore, base: string) => page('fleets', `${base}/v1/Fleets`, registry.fleets().map((f) => fleetJson(f, base))),
};

export const simRoutes = {
  create: (registry: RegistryStore, form: URLSearchParams, base: string) => simJson(registry.createSim(simInput(registry, form)), base),
  fetch: (registry: RegistryStore, key: string, base: string) => simJson(simOr404(registry, key), base),
  update: (registry: RegistryStore, key: string, form: URLSearchParams, base: string) => {
    const sim = simOr404(registry, key);
    return simJson(registry.updateSim(sim.sid, simInput(registry, form, sim.sid)), base);
  },
  list: (registry: RegistryStore, base: string) => page('sims', `${base}/v1/Sims`, registry.sims().map((s) => simJson(s, base))),
};

function fleetOr404(registry: RegistryStore, key: string) {
  const fleet = registry.fleet(key);
  if (!fleet) throw notFound(`/v1/Fleets/${key}`);
  return fleet;
}

function simOr404(registry: RegistryStore, key: string) {
  const sim = registry.sim(key);
  if (!sim) throw notFound(`/v1/Sims/${key}`);
  return sim;
}

function page<T>(key: string, listUrl: string, items: T[]) {
  const url = `${listUrl}?PageSize=${Math.max(items.length, 1)}&Page=0`;
  return { [key]: items, meta: { first_page_url: url, key, next_page_url: null, page: 0, page_size: Math.max(items.length, 1), previous_page_url: null, url } };
}
