// Layers depend one way: transport ← at ← modem ← sms ← store ← dispatch ← bridge ← api ← cli (docs/style.md).
// Each block forbids a layer from importing the layers above it; `serialport` and `node-pdu`
// may each be imported by one boundary file only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const above = {
  transport: ['at', 'modem', 'sms', 'store', 'dispatch', 'bridge', 'api', 'cli', 'sim', 'sandbox'],
  at: ['modem', 'sms', 'store', 'dispatch', 'bridge', 'api', 'cli', 'sim', 'sandbox'],
  modem: ['sms', 'store', 'dispatch', 'bridge', 'api', 'cli', 'sim', 'sandbox'],
  sms: ['store', 'dispatch', 'bridge', 'api', 'cli', 'sim', 'sandbox'],
  store: ['dispatch', 'bridge', 'api', 'cli', 'sim', 'sandbox'],
  dispatch: ['bridge', 'api', 'cli', 'sim', 'sandbox'],
  // The bridge wires sms, store and dispatch together.
  bridge: ['api', 'cli', 'sim', 'sandbox'],
  // The library's surface (src/index.ts re-exports it): everything a device agent needs; the CLI is built on it.
  api: ['cli', 'sim', 'sandbox'],
  // The simulator must not share parsing with the driver, or the driver is only tested against itself.
  sim: ['at', 'modem', 'sms', 'store', 'dispatch', 'bridge', 'api', 'cli', 'sandbox'],
};

const boundary = {
  serialport: ['src/transport/serial-transport.ts', 'src/transport/list-ports.ts'],
  'node-pdu': ['src/sms/pdu.ts', 'src/sim/sim-pdu.ts'],
};

const restrict = (layer, file) => [
  'error',
  {
    paths: Object.entries(boundary)
      .filter(([, owners]) => !owners.includes(file))
      .map(([name, owners]) => ({ name, message: `only ${owners.join(', ')} may import ${name}` })),
    patterns: (above[layer] ?? []).map((dir) => ({
      group: [`**/${dir}/*`, `../${dir}/*`],
      message: `${layer}/ may not depend on ${dir}/ (layers depend one way)`,
    })),
  },
];

const boundaryOwners = Object.values(boundary).flat();

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
  ...Object.keys(above).map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    ignores: boundaryOwners,
    rules: { 'no-restricted-imports': restrict(layer) },
  })),
  ...boundaryOwners.map((file) => ({
    files: [file],
    rules: { 'no-restricted-imports': restrict(file.split('/')[1], file) },
  })),
);
