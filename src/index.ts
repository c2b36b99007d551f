/**
 * smsbridge as a library: SMS Commands in, an agent's routes run, replies out, exactly once, on a
 * supervised modem (docs/library.md). `createBridge` is the whole bridge; `openModem` is the modem
 * alone. Everything that fails throws or rejects with a `BridgeError` whose `code` says why.
 */
export { createBridge, type CreateBridgeOptions, type ReplyUpdate, type SmsBridge } from './api/create-bridge.js';
export { openModem, type OpenModemOptions } from './api/open-modem.js';
export { BridgeError, isBridgeError, type BridgeErrorCode } from './errors.js';
export type { Logger, LogLevel } from './log.js';
export type { BridgeEvent } from './bridge/bridge.js';
export type { Handler, HandlerContext, HandlerReply, HandlerResult, InboundCommand, JsonMatcher, Outcome, OutcomeStatus, Route } from './dispatch/types.js';
export { ActionFailure } from './dispatch/types.js';
export { signCommand } from './dispatch/security.js';
export { at, valuesOf, type AtCommand, type AtResponse } from './at/command.js';
export type { Urc } from './at/urc.js';
export type { ModemSession, SessionOptions, SessionState, StateChange } from './modem/modem-session.js';
export type { ModemInfo, SmsSettings } from './modem/init-sequence.js';
export type { ProfileName } from './modem/profiles.js';
export type { OutboundRecord, InboundRecord } from './store/types.js';
export type { Transport } from './transport/transport.js';
