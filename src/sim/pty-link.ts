/**
 * Exposes a VirtualModem as a pseudo-terminal (`/dev/pts/N` plus an optional stable symlink)
 * that any program opens as a serial port. socat (Debian package `socat`) owns the PTY master
 * and relays it over its stdio to `modem.connect()`.
 *
 * Surviving a client's close and reopen: when the last slave fd closes, the master reads EIO
 * and socat would exit, so the link keeps its own slave fd open and never reads it.
 * Unplug: socat is stopped (the symlink and `/dev/pts/N` vanish, an open client gets a
 * hangup) and started again at the same link path when the modem comes back.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants, promises as fsp, openSync, closeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Subscription } from 'rxjs';
import type { VirtualModem } from './virtual-modem.js';

export interface PtyLinkOptions {
  modem: VirtualModem;
  /** Symlink to the PTY, e.g. `/tmp/ttySIM` (replaced if it exists): the `/dev/ttyUSB2` of a real modem. */
  link?: string;
  /**
   * A second symlink that always follows the PTY, as udev's `/dev/serial/by-id/usb-…-if02-port0`
   * follows a modem that re-enumerates under another ttyUSB number (see `relink`).
   */
  stableLink?: string;
  /** socat executable (default `socat` on PATH). */
  socat?: string;
}

export interface PtyLink {
  /** The current `/dev/pts/N`; it changes after an unplug. */
  readonly path: string;
  /** The symlink, when one was asked for; it moves after `relink`. */
  readonly link: string | undefined;
  /** The by-id style symlink, when one was asked for: the same path across unplugs. */
  readonly stableLink: string | undefined;
  /** From the next replug on, the PTY appears under `link` instead (a re-enumeration: ttyUSB2 → ttyUSB3). */
  relink(link: string): void;
  /** Resolves once a pending unplug/replug transition has finished (the path exists again, or is gone). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

type Socat = ChildProcessByStdio<Writable, Readable, Readable>;

export async function startPtyLink(options: PtyLinkOptions): Promise<PtyLink> {
  const link = new Link(options);
  await link.start();
  return link;
}

class Link implements PtyLink {
  link: string | undefined;
  readonly stableLink: string | undefined;
  #nextLink: string | undefined;
  readonly #modem: VirtualModem;
  readonly #socatPath: string;
  #path = '';
  #socat: Socat | undefined;
  #slaveFd: number | undefined;
  #closed = false;
  #plugSubscription: Subscription;
  #transition: Promise<void> = Promise.resolve();

  constructor(options: PtyLinkOptions) {
    this.link = options.link;
    this.stableLink = options.stableLink;
    this.#modem = options.modem;
    this.#socatPath = options.socat ?? 'socat';
    this.#plugSubscription = this.#modem.plug$.subscribe((plugged) => {
      this.#transition = this.#transition.then(() => (plugged ? this.start() : this.#stop())).catch(() => undefined);
    });
  }

  get path(): string {
    return this.#path;
  }

  relink(link: string): void {
    this.#nextLink = link;
  }

  async start(): Promise<void> {
    if (this.#closed || this.#socat || !this.#modem.isPlugged) return;
    if (this.#nextLink !== undefined) {
      this.link = this.#nextLink;
      this.#nextLink = undefined;
    }
    if (this.link) await fsp.rm(this.link, { force: true });
    const address = `pty,rawer,echo=0${this.link ? `,link=${this.link}` : ''}`;
    const socat: Socat = spawn(this.#socatPath, ['-d', '-d', address, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#socat = socat;
    this.#path = await waitForPty(socat, this.#socatPath);
    if (this.stableLink) {
      await fsp.rm(this.stableLink, { force: true });
      await fsp.symlink(this.#path, this.stableLink);
    }
    // Our own slave fd keeps the master alive while clients come and go.
    this.#slaveFd = openSync(this.#path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    const stream = this.#modem.connect();
    socat.stdout.on('data', (chunk: Buffer) => stream.write(chunk));
    stream.on('data', (chunk: Buffer) => {
      if (!socat.stdin.destroyed) socat.stdin.write(chunk);
    });
    socat.stdin.on('error', () => undefined);
    socat.once('exit', () => {
      if (this.#socat !== socat) return;
      // socat died on its own: bring the port back unless the modem is unplugged.
      this.#socat = undefined;
      this.#closeSlave();
      if (!this.#closed && this.#modem.isPlugged) this.#transition = this.#transition.then(() => this.start()).catch(() => undefined);
    });
  }

  async ready(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#transition;
      await current;
    } while (current !== this.#transition);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#plugSubscription.unsubscribe();
    await this.#transition;
    await this.#stop();
  }

  async #stop(): Promise<void> {
    const socat = this.#socat;
    this.#socat = undefined;
    this.#closeSlave();
    if (socat && socat.exitCode === null && socat.signalCode === null) {
      const exited = new Promise((resolve) => socat.once('exit', resolve));
      socat.kill('SIGTERM');
      await exited;
    }
    if (this.link) await fsp.rm(this.link, { force: true });
    if (this.stableLink) await fsp.rm(this.stableLink, { force: true });
  }

  #closeSlave(): void {
    if (this.#slaveFd === undefined) return;
    closeSync(this.#slaveFd);
    this.#slaveFd = undefined;
  }
}

/** Reads socat's `-d -d` log until it names the PTY and starts relaying. */
function waitForPty(socat: Socat, socatPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    let path: string | undefined;
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      path ??= /PTY is (\S+)/.exec(log)?.[1];
      if (path && /starting data transfer loop/.test(log)) {
        cleanup();
        resolve(path);
      }
    };
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        error.code === 'ENOENT'
          ? new Error(`cannot start "${socatPath}": socat is not installed (Debian: apt-get install socat)`, { cause: error })
          : error,
      );
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`socat exited (code ${code}) before opening a PTY: ${log.trim()}`));
    };
    const cleanup = () => {
      socat.stderr.off('data', onData);
      socat.off('error', onError);
      socat.off('exit', onExit);
      socat.stderr.resume();
    };
    socat.stderr.on('data', onData);
    socat.once('error', onError);
    socat.once('exit', onExit);
  });
}
