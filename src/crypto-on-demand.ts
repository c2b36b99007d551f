/**
 * `node:crypto`, loaded on first use. Importing it loads fifteen internal modules and touches
 * OpenSSL's tables in the `node` binary (about 0.5 MiB of RSS, BENCHMARKS.md "Memory"), and most
 * devices never use it: it hashes a refused SIM PIN and checks signed commands, both optional.
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

const require = createRequire(import.meta.url);
let loaded: typeof Crypto | undefined;

export function crypto(): typeof Crypto {
  loaded ??= require('node:crypto') as typeof Crypto;
  return loaded;
}
