import { afterEach, describe, expect, it, vi } from 'vitest';
import { getProfile, PROFILE_NAMES, type ProfileName } from '../../src/sim/profiles.js';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { Host, quietModem } from './host.js';

const ICCID = '89883070000012345678';

// Expected values come from the quirks catalogue, written out here rather than read from the profiles.
const table: {
  profile: ProfileName;
  cgmi: string;
  iccid: [command: string, answer: string];
  cmti: string;
  cnmi: string;
  cnmiTest: string;
  unknown: string;
  boot: string[];
}[] = [
  {
    profile: 'quectel',
    cgmi: 'Quectel',
    iccid: ['AT+QCCID', `+QCCID: ${ICCID}`],
    cmti: '+CMTI: "SM",0',
    cnmi: '2,1,0,0,0',
    cnmiTest: '(0-3),(0-3),(0,2,3),(0-2),(0,1)',
    unknown: 'ERROR',
    boot: ['RDY', '+CFUN: 1', '+CPIN: READY', '+QUSIM: 1', '+QIND: SMS DONE', '+QIND: PB DONE'],
  },
  {
    profile: 'simcom',
    cgmi: 'SIMCOM INCORPORATED',
    iccid: ['AT+CICCID', `+ICCID: ${ICCID}`],
    cmti: '+CMTI: "SM",0',
    cnmi: '2,1,0,0,0',
    cnmiTest: '(0-2),(0-3),(0,2),(0-2),(0,1)',
    unknown: 'ERROR',
    boot: ['RDY', '+CPIN: READY', 'SMS DONE', 'PB DONE'],
  },
  {
    profile: 'sim800',
    cgmi: 'SIMCOM_Ltd',
    iccid: ['AT+CCID', ICCID],
    cmti: '+CMTI: "SM",1',
    cnmi: '2,1,0,0,0',
    cnmiTest: '(0-3),(0-3),(0,2),(0-2),(0,1)',
    unknown: 'ERROR',
    boot: ['RDY', '+CFUN: 1', '+CPIN: READY', 'Call Ready', 'SMS Ready'],
  },
  {
    profile: 'huawei',
    cgmi: 'huawei',
    iccid: ['AT^ICCID?', `^ICCID: ${ICCID}`],
    cmti: '+CMTI: "ME",0',
    cnmi: '0,0,0,0,0', // HUAWEI M2M AT spec §5.7: cleared to 0 on restart
    cnmiTest: '(0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)',
    unknown: 'COMMAND NOT SUPPORT',
    boot: ['^BOOT:35323129,0,0,0,26'],
  },
  {
    profile: 'ublox',
    cgmi: 'u-blox',
    iccid: ['AT+CCID', `+CCID: ${ICCID}`],
    cmti: '+CMTI: "SM",1',
    cnmi: '0,0,0,0,0',
    cnmiTest: '(0-2),(0-3),(0-3),(0-2),(0-1)',
    unknown: 'ERROR',
    boot: [],
  },
  {
    profile: 'telit',
    cgmi: 'Telit',
    iccid: ['AT#CCID', `#CCID: ${ICCID}`],
    cmti: '+CMTI: "SM",1',
    cnmi: '0,0,0,0,0',
    cnmiTest: '(0-3),(0-3),(0,2),(0-2),(0,1)',
    unknown: 'ERROR',
    boot: [],
  },
  {
    profile: 'generic',
    cgmi: 'smsbridge',
    iccid: ['AT+CCID', `+CCID: ${ICCID}`],
    cmti: '+CMTI: "SM",1',
    cnmi: '2,1,0,0,0',
    cnmiTest: '(0-2),(0-3),(0-3),(0-2),(0-1)',
    unknown: 'ERROR',
    boot: [],
  },
];

afterEach(() => {
  vi.useRealTimers();
});

describe('virtual modem profiles', () => {
  it('has a test row for every profile but the E3131 variant', () => {
    expect(table.map((row) => row.profile).sort()).toEqual(PROFILE_NAMES.filter((p) => p !== 'huawei-e3131').sort());
    expect(() => getProfile('nokia')).toThrow(/unknown modem profile "nokia"/);
  });

  describe.each(table)('$profile', (row) => {
    it('answers identity and its vendor ICCID command', async () => {
      const host = await quietModem({ profile: row.profile, noise: false });
      expect(await host.send('AT+CGMI\r')).toBe(`\r\n${row.cgmi}\r\n\r\nOK\r\n`);
      expect(await host.send(`${row.iccid[0]}\r`)).toBe(`\r\n${row.iccid[1]}\r\n\r\nOK\r\n`);
    });

    it('starts with its default +CNMI and advertises its ranges', async () => {
      const host = await quietModem({ profile: row.profile, noise: false });
      expect(await host.send('AT+CNMI?\r')).toBe(`\r\n+CNMI: ${row.cnmi}\r\n\r\nOK\r\n`);
      expect(await host.send('AT+CNMI=?\r')).toBe(`\r\n+CNMI: ${row.cnmiTest}\r\n\r\nOK\r\n`);
    });

    it('stores the first SMS at its index base in its default memory', async () => {
      const host = await quietModem({ profile: row.profile, noise: false });
      await host.run('AT+CNMI=2,1,0,0,0');
      host.modem.deliver({ from: '000', text: 'ping' });
      expect(await host.settle()).toBe(`\r\n${row.cmti}\r\n`);
    });

    it('answers an unknown command the vendor way', async () => {
      const host = await quietModem({ profile: row.profile, noise: false });
      expect(await host.send('AT+XYZZY\r')).toBe(`\r\n${row.unknown}\r\n`);
    });

    it('sends its boot URCs after a reboot, with echo back on', async () => {
      const host = await quietModem({ profile: row.profile, noise: false });
      host.modem.reboot();
      expect(await host.settle()).toBe(row.boot.map((line) => `\r\n${line}\r\n`).join(''));
      expect(await host.send('AT\r')).toBe('AT\r\r\nOK\r\n');
    });
  });

  it('makes a Huawei spam ^RSSI/^BOOT until AT^CURC=0', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const host = await quietModem({ profile: 'huawei' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await host.settle()).toBe('\r\n^RSSI:14\r\n\r\n^BOOT:35323129,0,0,0,26\r\n');
    expect(await host.send('AT^CURC=0\r')).toBe('\r\nOK\r\n');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await host.settle()).toBe('');
    host.modem.dispose();
  });

  it('only knows AT^CURC on Huawei', async () => {
    const host = await quietModem({ profile: 'quectel' });
    expect(await host.send('AT^CURC=0\r')).toBe('\r\nERROR\r\n');
  });

  it('pads text bodies with NULs on the Huawei E3131', async () => {
    const host = await quietModem({ profile: 'huawei-e3131', noise: false });
    await host.run('AT+CMGF=1');
    host.modem.deliver({ from: '000', text: 'Hii' });
    await host.settle();
    expect(await host.send('AT+CMGR=0\r')).toBe('\r\n+CMGR: "REC UNREAD","000",,"24/10/24,20:12:17+00"\r\nHii\0\0\0\0\0\r\n\r\nOK\r\n');
  });

  it('quotes the empty alpha field in text mode on SIMCom and in PDU mode on Telit', async () => {
    const simcom = await quietModem({ profile: 'simcom' });
    await simcom.run('AT+CMGF=1');
    simcom.modem.deliver({ from: '000', text: 'ping' });
    await simcom.settle();
    expect(await simcom.send('AT+CMGR=0\r')).toContain('+CMGR: "REC UNREAD","000","","24/10/24,20:12:17+00"\r\n');
    const telit = await quietModem({ profile: 'telit' });
    telit.modem.deliver({ from: '000', text: 'ping' });
    await telit.settle();
    expect(await telit.send('AT+CMGR=1\r')).toMatch(/^\r\n\+CMGR: 0,"",19\r\n/);
  });

  it('answers the u-blox ATI9 application version', async () => {
    const host = await quietModem({ profile: 'ublox' });
    expect(await host.send('ATI9\r')).toBe('\r\n01.24,A01.00\r\n\r\nOK\r\n');
  });

  it('announces Quectel status reports as +CDSI "SM" although they are stored in "SR"', async () => {
    const host = new Host(new VirtualModem({ profile: 'quectel' }));
    await host.run('ATE0', 'AT+CMGF=1', 'AT+CSMP=49,167,0,0', 'AT+CNMI=2,1,0,2,0');
    await host.send('AT+CMGS="+15551230000"\r');
    expect(await host.send('test\x1a')).toBe('\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CDSI: "SM",0\r\n');
    expect(await host.send('AT+CMGR=0\r')).toBe('\r\nOK\r\n');
    expect(host.modem.stored()).toMatchObject([{ mem: 'SR', index: 0, kind: 'status', address: '+15551230000' }]);
  });
});
