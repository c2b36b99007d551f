import { describe, expect, it } from 'vitest';
import { VirtualModem } from '../../src/sim/virtual-modem.js';
import { Host, quietModem } from './host.js';

describe('virtual modem framing', () => {
  it('echoes a command with its CR before the answer, as modems do by default', async () => {
    const host = new Host(new VirtualModem());
    expect(await host.send('AT\r')).toBe('AT\r\r\nOK\r\n');
  });

  it('still echoes ATE0 itself, then stops echoing', async () => {
    const host = new Host(new VirtualModem());
    expect(await host.send('ATE0\r')).toBe('ATE0\r\r\nOK\r\n');
    expect(await host.send('AT\r')).toBe('\r\nOK\r\n');
    expect(await host.send('ATE1\r')).toBe('\r\nOK\r\n');
    expect(await host.send('AT\r')).toBe('AT\r\r\nOK\r\n');
  });

  it('answers commands split across writes and several commands in one write', async () => {
    const host = await quietModem();
    host.stream.write('AT+CM');
    expect(await host.send('GF?\rAT+CSDH?\r')).toBe('\r\n+CMGF: 0\r\n\r\nOK\r\n\r\n+CSDH: 0\r\n\r\nOK\r\n');
  });

  it('runs V.250 concatenated commands and stops at the first error', async () => {
    const host = await quietModem();
    expect(await host.send('AT+CMGF=1;+CSDH=1;+CMGF?\r')).toBe('\r\n+CMGF: 1\r\n\r\nOK\r\n');
    expect(await host.send('ATE0V1Q0\r')).toBe('\r\nOK\r\n');
    expect(await host.send('AT+CMGF=0;+FOO;+CMGF=1\r')).toBe('\r\nERROR\r\n');
    expect(await host.send('AT+CMGF?\r')).toBe('\r\n+CMGF: 0\r\n\r\nOK\r\n');
  });

  it('answers ERROR to an unknown command', async () => {
    const host = await quietModem();
    expect(await host.send('AT+NOPE\r')).toBe('\r\nERROR\r\n');
    expect(await host.send('ATV0\r')).toBe('\r\nERROR\r\n');
  });

  it('ignores lines without an AT prefix, a lone LF and an ESC, like gammu sends at connect', async () => {
    const host = await quietModem();
    expect(await host.send('\x1b\r\n')).toBe('');
    expect(await host.send('hello\r')).toBe('');
    expect(await host.send('\nat\r')).toBe('\r\nOK\r\n');
  });

  it('applies backspace editing to the command line', async () => {
    const host = await quietModem();
    expect(await host.send('AT+CMGX\bF?\r')).toBe('\r\n+CMGF: 0\r\n\r\nOK\r\n');
  });

  it('renders errors as AT+CMEE asks: plain, numeric, verbose', async () => {
    const host = await quietModem();
    expect(await host.send('AT+CMGR=999\r')).toBe('\r\nERROR\r\n');
    await host.run('AT+CMEE=1');
    expect(await host.send('AT+CMGR=999\r')).toBe('\r\n+CMS ERROR: 321\r\n');
    expect(await host.send('AT+CSCS="KLINGON"\r')).toBe('\r\n+CME ERROR: 4\r\n');
    await host.run('AT+CMEE=2');
    expect(await host.send('AT+CMGR=999\r')).toBe('\r\n+CMS ERROR: invalid memory index\r\n');
    expect(await host.send('AT+CMEE?\r')).toBe('\r\n+CMEE: 2\r\n\r\nOK\r\n');
    expect(await host.send('AT+CMEE=?\r')).toBe('\r\n+CMEE: (0-2)\r\n\r\nOK\r\n');
  });

  it('resets volatile settings on ATZ and AT&F', async () => {
    for (const reset of ['ATZ', 'AT&F']) {
      const host = await quietModem();
      await host.run('AT+CMGF=1', 'AT+CMEE=2', 'AT+CNMI=1,2,0,1,0');
      expect(await host.send(`${reset}\r`)).toBe('\r\nOK\r\n');
      expect(await host.send('AT+CMGF?\r')).toBe('AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n');
      expect(await host.send('AT+CNMI?\r')).toBe('AT+CNMI?\r\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n');
    }
  });

  it('reads S-registers and accepts writes to them', async () => {
    const host = await quietModem();
    expect(await host.send('ATS3?\r')).toBe('\r\n013\r\n\r\nOK\r\n');
    expect(await host.send('ATS0=0\r')).toBe('\r\nOK\r\n');
  });
});

describe('virtual modem identity and network commands', () => {
  it('answers identity commands from its profile', async () => {
    const host = await quietModem({ profile: 'quectel' });
    expect(await host.send('AT+CGMI\r')).toBe('\r\nQuectel\r\n\r\nOK\r\n');
    expect(await host.send('AT+CGMM\r')).toBe('\r\nEC25\r\n\r\nOK\r\n');
    expect(await host.send('AT+CGMR\r')).toBe('\r\nEC25EFAR06A10M4G\r\n\r\nOK\r\n');
    expect(await host.send('AT+CGSN\r')).toBe('\r\n866834040123456\r\n\r\nOK\r\n');
    expect(await host.send('AT+GSN\r')).toBe('\r\n866834040123456\r\n\r\nOK\r\n');
    expect(await host.send('AT+CIMI\r')).toBe('\r\n732123200012345\r\n\r\nOK\r\n');
    expect(await host.send('ATI\r')).toBe('\r\nQuectel\r\nEC25\r\nRevision: EC25EFAR06A10M4G\r\n\r\nOK\r\n');
    expect(await host.send('AT+CGMI=?\r')).toBe('\r\nOK\r\n');
  });

  it('reports signal, registration, operator and functionality', async () => {
    const host = await quietModem();
    expect(await host.send('AT+CSQ\r')).toBe('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    expect(await host.send('AT+CREG?\r')).toBe('\r\n+CREG: 0,5\r\n\r\nOK\r\n');
    expect(await host.send('AT+COPS?\r')).toBe('\r\n+COPS: 0,0,"vodafone UK",7\r\n\r\nOK\r\n');
    expect(await host.send('AT+CFUN?\r')).toBe('\r\n+CFUN: 1\r\n\r\nOK\r\n');
    await host.run('AT+CREG=2', 'AT+CEREG=1');
    expect(await host.send('AT+CREG?\r')).toBe('\r\n+CREG: 2,5,"1A2B","01C3D4E5"\r\n\r\nOK\r\n');
    expect(await host.send('AT+CGREG?\r')).toBe('\r\n+CGREG: 0,5\r\n\r\nOK\r\n');
  });

  it('sends registration URCs where +CREG/+CEREG enable them', async () => {
    const host = await quietModem();
    await host.run('AT+CREG=1', 'AT+CEREG=2');
    host.modem.setRegistration(0);
    expect(await host.settle()).toBe('\r\n+CREG: 0\r\n\r\n+CEREG: 0\r\n');
    host.modem.setRegistration(1);
    expect(await host.settle()).toBe('\r\n+CREG: 1\r\n\r\n+CEREG: 1,"1A2B","01C3D4E5",7\r\n');
  });

  it('locks the SIM behind a PIN until AT+CPIN gives the right one', async () => {
    const host = await quietModem({ pin: '1234' });
    await host.run('AT+CMEE=1', 'AT+CMGF=1');
    expect(await host.send('AT+CPIN?\r')).toBe('\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n');
    expect(await host.send('AT+CIMI\r')).toBe('\r\n+CME ERROR: 11\r\n');
    expect(await host.send('AT+CMGL="ALL"\r')).toBe('\r\n+CMS ERROR: 311\r\n');
    host.modem.deliver({ from: '000', text: 'early' });
    expect(await host.settle()).toBe('');
    expect(await host.send('AT+CPIN="0000"\r')).toBe('\r\n+CME ERROR: 16\r\n');
    expect(await host.send('AT+CPIN="1234"\r')).toBe('\r\nOK\r\n\r\n+CMTI: "SM",1\r\n');
    expect(await host.send('AT+CPIN?\r')).toBe('\r\n+CPIN: READY\r\n\r\nOK\r\n');
  });

  it('refuses to send with the radio off and holds deliveries until it is back on', async () => {
    const host = await quietModem();
    await host.run('AT+CMEE=1', 'AT+CMGF=1', 'AT+CFUN=4');
    expect(await host.send('AT+CMGS="000"\r')).toBe('\r\n> ');
    expect(await host.send('x\x1a')).toBe('\r\n+CMS ERROR: 331\r\n');
    host.modem.deliver({ from: '000', text: 'later' });
    expect(await host.settle()).toBe('');
    expect(await host.send('AT+CFUN=1\r')).toBe('\r\nOK\r\n\r\n+CMTI: "SM",1\r\n');
  });

  it('restarts after AT+CFUN=1,1, with the profile boot URCs', async () => {
    const host = await quietModem({ profile: 'simcom' });
    expect(await host.send('AT+CFUN=1,1\r')).toBe('\r\nOK\r\n\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n');
    expect(await host.send('AT\r')).toBe('AT\r\r\nOK\r\n');
  });
});

describe('virtual modem SMS configuration commands', () => {
  it('reads, sets and lists character sets with AT+CSCS', async () => {
    const host = await quietModem({ profile: 'quectel' });
    expect(await host.send('AT+CSCS?\r')).toBe('\r\n+CSCS: "GSM"\r\n\r\nOK\r\n');
    expect(await host.send('AT+CSCS=?\r')).toBe('\r\n+CSCS: ("GSM","IRA","UCS2")\r\n\r\nOK\r\n');
    await host.run('AT+CSCS="UCS2"');
    expect(await host.send('AT+CSCS?\r')).toBe('\r\n+CSCS: "UCS2"\r\n\r\nOK\r\n');
    expect(await host.send('AT+CSCA?\r')).toBe('\r\n+CSCA: "002B003400340037003700300030003900300030003000300030",145\r\n\r\nOK\r\n');
  });

  it('reads and sets the service centre with AT+CSCA', async () => {
    const host = await quietModem();
    expect(await host.send('AT+CSCA?\r')).toBe('\r\n+CSCA: "+447700900000",145\r\n\r\nOK\r\n');
    await host.run('AT+CSCA="+15550000000",145');
    expect(await host.send('AT+CSCA?\r')).toBe('\r\n+CSCA: "+15550000000",145\r\n\r\nOK\r\n');
  });

  it('keeps text-mode parameters set with AT+CSMP and AT+CSDH', async () => {
    const host = await quietModem();
    expect(await host.send('AT+CSMP?\r')).toBe('\r\n+CSMP: 17,167,0,0\r\n\r\nOK\r\n');
    await host.run('AT+CSMP=49,,,8', 'AT+CSDH=1');
    expect(await host.send('AT+CSMP?\r')).toBe('\r\n+CSMP: 49,167,0,8\r\n\r\nOK\r\n');
    expect(await host.send('AT+CSDH?\r')).toBe('\r\n+CSDH: 1\r\n\r\nOK\r\n');
    expect(await host.send('AT+CSDH=?\r')).toBe('\r\n+CSDH: (0,1)\r\n\r\nOK\r\n');
  });

  it('selects the message service with AT+CSMS and only accepts AT+CNMA when an ack is due', async () => {
    const host = await quietModem();
    await host.run('AT+CMEE=1', 'AT+CMGF=1');
    expect(await host.send('AT+CSMS=1\r')).toBe('\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n');
    expect(await host.send('AT+CSMS?\r')).toBe('\r\n+CSMS: 1,1,1,1\r\n\r\nOK\r\n');
    expect(await host.send('AT+CNMA\r')).toBe('\r\n+CMS ERROR: 340\r\n');
    await host.run('AT+CNMI=2,2,0,0,0');
    host.modem.deliver({ from: '000', text: 'ack me' });
    // Not settle(): the modem is not idle while the network waits for the ack.
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.take()).toBe('\r\n+CMT: "000",,"24/10/24,20:12:17+00"\r\nack me\r\n');
    expect(await host.send('AT+CNMA\r')).toBe('\r\nOK\r\n');
    expect(await host.send('AT+CNMA\r')).toBe('\r\n+CMS ERROR: 340\r\n');
  });

  it('checks AT+CNMI values against what its test command advertises', async () => {
    const host = await quietModem();
    await host.run('AT+CMEE=1');
    expect(await host.send('AT+CNMI?\r')).toBe('\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n');
    expect(await host.send('AT+CNMI=?\r')).toBe('\r\n+CNMI: (0-2),(0-3),(0-3),(0-2),(0-1)\r\n\r\nOK\r\n');
    expect(await host.send('AT+CNMI=3,1,0,0,0\r')).toBe('\r\n+CMS ERROR: 303\r\n');
    await host.run('AT+CNMI=1,1');
    expect(await host.send('AT+CNMI?\r')).toBe('\r\n+CNMI: 1,1,0,0,0\r\n\r\nOK\r\n');
  });

  it('selects memories with AT+CPMS and reports used and total slots', async () => {
    const host = await quietModem({ profile: 'quectel' });
    await host.run('AT+CMEE=1');
    expect(await host.send('AT+CPMS=?\r')).toBe('\r\n+CPMS: ("SM","ME","MT","SR"),("SM","ME","MT"),("SM","ME","MT")\r\n\r\nOK\r\n');
    host.modem.deliver({ from: '000', text: 'one' });
    await host.settle();
    expect(await host.send('AT+CPMS?\r')).toBe('\r\n+CPMS: "SM",1,50,"SM",1,50,"SM",1,50\r\n\r\nOK\r\n');
    expect(await host.send('AT+CPMS="SR"\r')).toBe('\r\n+CPMS: 0,50,1,50,1,50\r\n\r\nOK\r\n');
    expect(await host.send('AT+CPMS="ME","ME","ME"\r')).toBe('\r\n+CPMS: 0,255,0,255,0,255\r\n\r\nOK\r\n');
    expect(await host.send('AT+CPMS="MT"\r')).toBe('\r\n+CPMS: 1,305,0,255,0,255\r\n\r\nOK\r\n');
    expect(await host.send('AT+CPMS="ME","SR"\r')).toBe('\r\n+CMS ERROR: 302\r\n');
    expect(await host.send('AT+CPMS="XX"\r')).toBe('\r\n+CMS ERROR: 302\r\n');
  });
});
