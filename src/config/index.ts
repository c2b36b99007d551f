// Configuration: imported by the CLI only.
export { CONFIG_ENV, configFromObject, loadConfig, parseConfig, type Config, type ConfigSecrets } from './config.js';
export { LOG_LEVELS, PROFILES, validateConfig } from './schema.js';
export { Secret } from './secret.js';
