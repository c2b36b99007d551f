// Configuration: imported by the CLI only.
export { CONFIG_ENV, loadConfig, parseConfig, type Config, type ConfigSecrets } from './config.js';
export { configSchema, LOG_LEVELS, PROFILES } from './schema.js';
export { Secret } from './secret.js';
