import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectPort, listCandidates } from '../../src/modem/port-detect.js';

/** Builds a fake /sys and /dev the way the kernel lays out usb-serial and cdc-acm ports. */
function fakeSystem() {
  const root = mkdtempSync(join(tmpdir(), 'smsbridge-sysfs-'));
  const sys = join(root, 'sys');
  const dev = join(root, 'dev');
  mkdirSync(join(sys, 'class', 'tty'), { recursive: true });
  mkdirSync(join(dev, 'serial', 'by-id'), { recursive: true });
  const usbDevice = (name: string, vendor: string, product: string, extra: Record<string, string> = {}) => {
    const dir = join(sys, 'devices', 'usb1', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'idVendor'), `${vendor}\n`);
    writeFileSync(join(dir, 'idProduct'), `${product}\n`);
    for (const [k, v] of Object.entries(extra)) writeFileSync(join(dir, k), `${v}\n`);
    return dir;
  };
  const port = (deviceDir: string, ifnum: number, tty: string, cls?: [string, string, string], nested = true) => {
    const ifDir = join(deviceDir, `${deviceDir.split('/').pop()}:1.${ifnum}`);
    mkdirSync(ifDir, { recursive: true });
    writeFileSync(join(ifDir, 'bInterfaceNumber'), ifnum.toString(16).padStart(2, '0'));
    if (cls) ['bInterfaceClass', 'bInterfaceSubClass', 'bInterfaceProtocol'].forEach((f, i) => writeFileSync(join(ifDir, f), cls[i]!));
    const target = nested ? join(ifDir, tty) : ifDir;
    mkdirSync(target, { recursive: true });
    mkdirSync(join(sys, 'class', 'tty', tty));
    symlinkSync(target, join(sys, 'class', 'tty', tty, 'device'));
    writeFileSync(join(dev, tty), '');
  };
  return { root, sys, dev, usbDevice, port };
}

describe('port detection without udev', () => {
  it('ranks the Quectel AT interface first and prefers its stable by-id path', () => {
    const fs = fakeSystem();
    const quectel = fs.usbDevice('1-1.3', '2c7c', '0125', { manufacturer: 'Quectel', product: 'EG25-G' });
    [0, 1, 2, 3].forEach((i) => fs.port(quectel, i, `ttyUSB${i}`));
    symlinkSync(join(fs.dev, 'ttyUSB2'), join(fs.dev, 'serial', 'by-id', 'usb-Quectel_EG25-G-if02-port0'));
    const candidates = listCandidates({ sysRoot: fs.sys, devRoot: fs.dev });
    expect(candidates[0]).toMatchObject({
      path: join(fs.dev, 'serial', 'by-id', 'usb-Quectel_EG25-G-if02-port0'),
      tty: 'ttyUSB2',
      vendorId: '2c7c',
      interfaceNumber: 2,
      manufacturer: 'Quectel',
      rank: 0,
    });
    expect(candidates.slice(1).every((c) => c.rank === 2)).toBe(true);
  });

  it('finds a Huawei PCUI port by interface class and a u-blox cdc-acm port by interface 0', () => {
    const fs = fakeSystem();
    const huawei = fs.usbDevice('1-1.2', '12d1', '1506');
    fs.port(huawei, 0, 'ttyUSB0', ['ff', '02', '01']);
    fs.port(huawei, 1, 'ttyUSB1', ['ff', '02', '02']);
    const ublox = fs.usbDevice('1-1.4', '1546', '110a');
    fs.port(ublox, 0, 'ttyACM0', undefined, false);
    const best = listCandidates({ sysRoot: fs.sys, devRoot: fs.dev }).filter((c) => c.rank === 0).map((c) => c.tty);
    expect(best.sort()).toEqual(['ttyACM0', 'ttyUSB1']);
  });

  it('lists unknown USB serial adapters last and a Pi UART in between', () => {
    const fs = fakeSystem();
    const ftdi = fs.usbDevice('1-1.1', '0403', '6001');
    fs.port(ftdi, 0, 'ttyUSB0');
    writeFileSync(join(fs.dev, 'serial0'), '');
    const candidates = listCandidates({ sysRoot: fs.sys, devRoot: fs.dev });
    expect(candidates.map((c) => [c.tty, c.rank])).toEqual([
      ['serial0', 1],
      ['ttyUSB0', 3],
    ]);
  });

  it('finds nothing, without throwing, where /sys/class/tty does not exist', () => {
    expect(listCandidates({ sysRoot: '/nonexistent', devRoot: '/nonexistent' })).toEqual([]);
  });

  it('probes in rank order and stops at the first port that answers AT', async () => {
    const fs = fakeSystem();
    const simcom = fs.usbDevice('1-1.3', '1e0e', '9001');
    [1, 2, 3].forEach((i) => fs.port(simcom, i, `ttyUSB${i}`));
    const probed: string[] = [];
    const result = await detectPort(async (path) => {
      probed.push(path);
      return path.endsWith('ttyUSB3');
    }, { sysRoot: fs.sys, devRoot: fs.dev });
    expect(probed.map((p) => p.split('/').pop())).toEqual(['ttyUSB2', 'ttyUSB1', 'ttyUSB3']);
    expect(result.found?.tty).toBe('ttyUSB3');
    expect(result.tried.map((t) => t.answered)).toEqual([false, false, true]);
  });
});
