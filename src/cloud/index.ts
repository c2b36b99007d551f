/** The cloud client: named exports only. */
export { SmsCommandsClient, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL } from './client.js';
export type { ClientOptions, CreateSmsCommand, ListSmsCommands, SmsCommandPage } from './client.js';
export { CloudApiError, isCloudApiError } from './cloud-error.js';
export type { SmsCommand, SmsCommandDirection, SmsCommandStatus } from './sms-command.js';
export { TokenProvider } from './token-provider.js';
