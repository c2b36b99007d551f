import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Finds the modem's AT port without udev: `SerialPort.list()` spawns `udevadm` and throws where
 * udev is missing (containers, CI), so we read /sys/class/tty ourselves and map USB vendor,
 * product and interface to the usual AT interface (docs/modem-behaviour.md §6; ModemManager rules).
 */
export interface PortCandidate {
  /** /dev/ttyUSB2, or a stable /dev/serial/by-id/… path when one points at it. */
  path: string;
  tty: string;
  vendorId?: string;
  productId?: string;
  interfaceNumber?: number;
  manufacturer?: string;
  product?: string;
  /** Why this port is a candidate, and how likely it is the AT port (lower is better). */
  reason: string;
  rank: number;
}

interface UsbFacts {
  vendorId: string;
  productId: string;
  interfaceNumber: number;
  interfaceClass?: string;
  interfaceSubClass?: string;
  interfaceProtocol?: string;
  manufacturer?: string;
  product?: string;
}

interface AtRule {
  vendor: string;
  product?: string;
  match: (usb: UsbFacts) => boolean;
  why: string;
}

const iface = (n: number) => (usb: UsbFacts) => usb.interfaceNumber === n;

/** ModemManager's port-type rules for the vendors Super SIM devices use. */
const AT_RULES: readonly AtRule[] = [
  { vendor: '2c7c', match: iface(2), why: 'Quectel: AT on interface 2' },
  { vendor: '05c6', product: '9215', match: iface(2), why: 'Quectel EC20: AT on interface 2' },
  { vendor: '05c6', product: '908b', match: iface(1), why: 'u-blox LARA-R6: AT on interface 1' },
  { vendor: '1e0e', product: '9011', match: iface(4), why: 'SIMCom A7600 (RNDIS): AT on interface 4' },
  { vendor: '1e0e', match: iface(2), why: 'SIMCom: AT on interface 2' },
  {
    vendor: '12d1',
    match: (u) => u.interfaceClass === 'ff' && (u.interfaceSubClass === '01' || u.interfaceSubClass === '02') && u.interfaceProtocol === '02',
    why: 'Huawei: PCUI (AT) interface by class ff/0x/02',
  },
  { vendor: '1199', match: iface(3), why: 'Sierra: AT on interface 3' },
  { vendor: '1bc7', product: '1201', match: iface(4), why: 'Telit LE910C1: AT on interface 4' },
  { vendor: '1bc7', match: iface(1), why: 'Telit: AT on interface 1' },
  { vendor: '1546', match: iface(0), why: 'u-blox: primary AT on interface 0' },
];

const KNOWN_VENDORS = new Set(AT_RULES.map((r) => r.vendor));
/** UART modem HATs on a Pi (Sixfab BG96, SIM800 HATs) have no USB ids. */
const UART_PATHS = ['/dev/serial0', '/dev/ttyAMA0', '/dev/ttyS0'];

export interface DetectOptions {
  sysRoot?: string;
  devRoot?: string;
}

export function listCandidates(options: DetectOptions = {}): PortCandidate[] {
  const sys = options.sysRoot ?? '/sys';
  const dev = options.devRoot ?? '/dev';
  const ttyDir = join(sys, 'class', 'tty');
  const byId = stableNames(join(dev, 'serial', 'by-id'));
  const out: PortCandidate[] = [];
  for (const tty of safeList(ttyDir)) {
    if (!/^tty(USB|ACM)\d+$/.test(tty)) continue;
    const usb = usbFacts(join(ttyDir, tty, 'device'));
    const path = byId.get(tty) ?? join(dev, tty);
    const base = { path, tty, ...(usb ?? {}) };
    if (!usb) {
      out.push({ ...base, reason: 'USB serial port with unknown USB ids', rank: 3 });
      continue;
    }
    const rule = AT_RULES.find((r) => r.vendor === usb.vendorId && (r.product === undefined || r.product === usb.productId) && r.match(usb));
    if (rule) out.push({ ...base, reason: rule.why, rank: 0 });
    else if (KNOWN_VENDORS.has(usb.vendorId)) out.push({ ...base, reason: `modem vendor ${usb.vendorId}, interface ${usb.interfaceNumber} (not the usual AT one)`, rank: 2 });
    else out.push({ ...base, reason: `USB serial ${usb.vendorId}:${usb.productId}`, rank: 3 });
  }
  for (const path of UART_PATHS.map((p) => (options.devRoot ? join(dev, basename(p)) : p))) {
    if (existsSync(path)) out.push({ path, tty: basename(path), reason: 'on-board UART (modem HAT)', rank: 1 });
  }
  return out.sort((a, b) => a.rank - b.rank || a.path.localeCompare(b.path));
}

/**
 * Probes candidates in rank order with `probe` (send `AT`, expect OK) and returns the first that
 * answers, with the reasons for every candidate tried.
 */
export async function detectPort(
  probe: (path: string) => Promise<boolean>,
  options: DetectOptions & { candidates?: PortCandidate[] } = {},
): Promise<{ found?: PortCandidate; tried: { candidate: PortCandidate; answered: boolean }[] }> {
  const tried: { candidate: PortCandidate; answered: boolean }[] = [];
  for (const candidate of options.candidates ?? listCandidates(options)) {
    const answered = await probe(candidate.path).catch(() => false);
    tried.push({ candidate, answered });
    if (answered) return { found: candidate, tried };
  }
  return { tried };
}

function usbFacts(deviceLink: string): UsbFacts | undefined {
  let dir: string;
  try {
    dir = realpathSync(deviceLink);
  } catch {
    return undefined;
  }
  // usb-serial: …/1-1.3:1.2/ttyUSB2 ; cdc-acm: …/1-1.3:1.0. Walk up to the interface, then the device.
  let interfaceDir: string | undefined;
  for (let d = dir, i = 0; i < 4 && d !== dirname(d); d = dirname(d), i++) {
    if (existsSync(join(d, 'bInterfaceNumber'))) {
      interfaceDir = d;
      break;
    }
  }
  if (!interfaceDir) return undefined;
  const deviceDir = dirname(interfaceDir);
  const vendorId = read(join(deviceDir, 'idVendor'));
  const productId = read(join(deviceDir, 'idProduct'));
  const number = read(join(interfaceDir, 'bInterfaceNumber'));
  if (!vendorId || !productId || number === undefined) return undefined;
  const facts: UsbFacts = { vendorId: vendorId.toLowerCase(), productId: productId.toLowerCase(), interfaceNumber: parseInt(number, 16) };
  const optional = { interfaceClass: 'bInterfaceClass', interfaceSubClass: 'bInterfaceSubClass', interfaceProtocol: 'bInterfaceProtocol' } as const;
  for (const [key, file] of Object.entries(optional)) {
    const value = read(join(interfaceDir, file));
    if (value !== undefined) facts[key as keyof typeof optional] = value.toLowerCase();
  }
  const manufacturer = read(join(deviceDir, 'manufacturer'));
  const product = read(join(deviceDir, 'product'));
  if (manufacturer) facts.manufacturer = manufacturer;
  if (product) facts.product = product;
  return facts;
}

function stableNames(dir: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of safeList(dir)) {
    try {
      map.set(basename(realpathSync(join(dir, name))), join(dir, name));
    } catch {
      /* a dangling link: the device is gone */
    }
  }
  return map;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
