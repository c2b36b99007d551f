// Layers depend one way (docs/style.md; docs/design.md, "The layer graph"). `layers` below is the whole
// import graph of src/, written once: each folder and each top-level file lists what it may import.
// eslint-plugin-boundaries refuses every other import between them, and any file of src/ that the table
// does not name. test/lint/boundaries.test.ts checks it with a table of allowed and forbidden imports;
// test/lint/no-cycles.test.ts refuses import cycles inside a layer as well.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Leaves any layer of the bridge may use. The simulator, the cloud client and the recording format
// stay free even of these, so each can be read and reused on its own.
const shared = ['errors.ts', 'log.ts', 'rx.ts', 'crypto-on-demand.ts'];

export const layers = {
  // Leaves: they import nothing from src/.
  'errors.ts': [],
  'log.ts': [],
  'rx.ts': [], // the RxJS parts the bridge uses, one module each (src/rx.ts says why)
  'crypto-on-demand.ts': [], // node:crypto, loaded on first use (the file says why)
  'sqlite.ts': [], // the one file that loads better-sqlite3
  types: [], // ambient declarations for untyped packages
  transcript: [], // the recording format, which is also the fixture format
  // The driver, bottom to top: transport ← at ← modem ← sms ← store ← dispatch ← bridge ← api ← cli.
  transport: [...shared],
  at: ['transport', 'transcript', ...shared],
  modem: ['transport', 'at', ...shared],
  sms: ['at', 'modem', ...shared],
  // The store fulfils sms's ReplyJournal by its shape, so it imports nothing from sms.
  store: ['sqlite.ts', ...shared],
  dispatch: ['sms', ...shared],
  bridge: ['sms', 'store', 'dispatch', ...shared],
  // The config schema checks action specs and reply texts with the rules of dispatch and sms, and
  // profile names against the vendor profiles (modem/profiles.ts).
  config: ['modem', 'sms', 'dispatch', ...shared],
  // The library's surface (src/index.ts re-exports it): everything a device agent needs; the CLI is built on it.
  api: ['transport', 'at', 'modem', 'sms', 'store', 'dispatch', 'bridge', 'config', ...shared],
  // The world outside the device. The simulator shares no code with the driver, or the driver's
  // parsing would only be tested against itself; the cloud client is a client of a public API.
  sim: [],
  cloud: [],
  // The cloud sandbox refuses a payload the real API refuses, by the same GSM-7 rule the bridge keeps.
  sandbox: ['sqlite.ts', 'sms', ...shared],
  // Programs: wiring only.
  cli: ['transport', 'transcript', 'at', 'modem', 'sms', 'store', 'dispatch', 'bridge', 'config', 'api', 'sim', 'sandbox', 'cloud', ...shared],
  bench: ['transport', 'transcript', 'at', 'config', 'api', 'sim', ...shared],
  // Package entry points: 'smsbridge' and 'smsbridge/testing'.
  'index.ts': ['transport', 'at', 'modem', 'store', 'dispatch', 'bridge', 'api', ...shared],
  'testing.ts': ['transport', 'sim'],
};

// Packages that only their boundary files may import: one on the driver's side, one on the simulator's
// (list-ports.ts is the name kept for a port lister; no such file exists yet).
const owners = {
  serialport: ['src/transport/serial-transport.ts', 'src/transport/list-ports.ts'],
  // serialport's own parts, taken directly: the stream with a binding whose reads know end of file.
  '@serialport/stream': ['src/transport/serial-transport.ts'],
  '@serialport/bindings-cpp': ['src/transport/hangup-aware-binding.ts'],
  'node-pdu': ['src/sms/pdu.ts', 'src/sim/sim-pdu.ts'],
  // The bridge takes RxJS from src/rx.ts (one module per part); the simulator, which shares nothing with it, imports it whole.
  rxjs: ['src/rx.ts', 'src/sim/*.ts'],
};

// A folder is an element (everything under it); a top-level file is a file category of its own, as
// the plugin's elements are folders.
const isFile = (name) => name.endsWith('.ts');
const select = (name) => (isFile(name) ? { file: { categories: name } } : { element: { type: name } });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  // The sandbox console: plain ES modules the browser loads as they are (console/, served by src/sandbox/static-files.ts).
  { files: ['console/**/*.js'], languageOptions: { globals: globals.browser } },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': import.meta.dirname,
      'boundaries/elements': Object.keys(layers)
        .filter((name) => !isFile(name))
        .map((name) => ({ type: name, pattern: `src/${name}`, partialMatch: false })),
      'boundaries/files': [
        ...Object.keys(layers)
          .filter(isFile)
          .map((name) => ({ category: name, pattern: `src/${name}` })),
        ...Object.entries(owners).map(([name, files]) => ({ category: `${name}-owner`, pattern: files })),
      ],
      // Resolves `./x.js` to `./x.ts`, as TypeScript's NodeNext resolution does.
      'import/resolver': { typescript: { project: `${import.meta.dirname}/tsconfig.json` } },
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          // Packages too (for the owned ones below), and imports of the top-level files, which belong to no element.
          checkAllOrigins: true,
          checkUnknownLocals: true,
          policies: [
            ...Object.entries(layers).flatMap(([from, targets]) => targets.map((to) => ({ from: select(from), allow: { to: select(to) } }))),
            // Node's own modules and packages, except the ones a boundary file owns.
            { allow: { to: { module: { origin: 'core' } } } },
            { allow: { to: { module: { origin: 'external' } } } },
            ...Object.keys(owners).map((name) => ({
              disallow: { to: { module: { origin: 'external', source: name } } },
              message: `only ${owners[name].join(', ')} may import ${name}`,
            })),
            ...Object.keys(owners).map((name) => ({
              from: { file: { categories: `${name}-owner` } },
              allow: { to: { module: { origin: 'external', source: name } } },
            })),
          ],
        },
      ],
    },
  },
);
