// The dispatch layer's public names; src/index.ts re-exports what the package offers.
export { Dispatcher, DEFAULT_TIMEOUT_MS, DEFAULT_UNKNOWN_REPLY, type DispatcherOptions } from './dispatcher.js';
export { parsePayload, type ParsedPayload } from './payload.js';
export { chooseRoute, jsonMatches, routeName, type RouteDecision } from './router.js';
export { fitText, guardReply, type GuardedReply } from './reply-guard.js';
export {
  CommandSecurity,
  commandTag,
  DEFAULT_ALLOW,
  memoryCounters,
  parseSigned,
  signCommand,
  TAG_LENGTH,
  type AcceptCounter,
  type SecurityOptions,
  type SecurityVerdict,
} from './security.js';
export {
  ActionFailure,
  type Handler,
  type HandlerContext,
  type HandlerReply,
  type HandlerResult,
  type InboundCommand,
  type JsonMatcher,
  type Outcome,
  type OutcomeStatus,
  type RefusalReason,
  type Route,
} from './types.js';
export { builtinRoutes, formatUptime, pong, statusLine, type BuiltinOptions, type StatusSnapshot, type StatusSource } from './actions/builtin.js';
export { execHandler, firstLine, type ExecActionOptions } from './actions/exec.js';
export { checkHttpUrl, httpHandler, type HttpActionOptions } from './actions/http.js';
export { routeFromSpec, type ActionSpec, type JsonMatchSpec } from './actions/spec.js';
export { compileArgTemplate, fillArgTemplate, type ArgTemplate } from './actions/template.js';
