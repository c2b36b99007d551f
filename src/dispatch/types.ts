/**
 * The dispatcher's vocabulary: what comes in (a command), what a handler sees and returns,
 * and what comes out (an outcome). No modem or AT details live here: the dispatcher turns
 * commands into replies and nothing else.
 */
import type { Observable } from '../rx.js';
import type { Logger } from '../log.js';

/** One SMS command after the SMS layer has read, decoded and de-duplicated it. */
export interface InboundCommand {
  /** The store's id for this command; stable across restarts. */
  id: number;
  /** Originating address as the modem gave it; Super SIM commands come from `000`. */
  sender: string;
  /** The SMS text, decoded. */
  text: string;
  /** Service-centre time stamp (3GPP TS 23.040 §9.2.3.11). */
  sentAt: Date;
  receivedAt: Date;
}

/** What a handler is given. `args` are the words after the verb; `json` is set for JSON payloads. */
export interface HandlerContext {
  /**
   * The command as the handler should see it: for a signed command `text` is the verified
   * payload, with the signature suffix removed.
   */
  command: InboundCommand;
  /** First word of the payload, lower-cased (`''` for an empty text or a JSON payload). */
  verb: string;
  /** Words after the verb, split on whitespace. */
  args: string[];
  /** The parsed payload when the text is a JSON value. */
  json?: unknown;
  /** The match when the route is a pattern route. */
  match?: RegExpExecArray;
  /** Fires when the dispatcher stops waiting (timeout or shutdown): stop work, kill children. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * A handler's reply: a text to send, or `null`/`undefined` for no reply. For an Observable the
 * reply is the last value emitted before it completes (progress values before it are dropped;
 * an Observable that completes empty means no reply).
 */
export type HandlerReply = string | null | undefined;
export type HandlerResult = HandlerReply | Promise<HandlerReply> | Observable<string>;
export type Handler = (ctx: HandlerContext) => HandlerResult;

/** A value a JSON route compares a payload key with: scalars case-insensitively, a RegExp by test. */
export type JsonMatcher = string | number | boolean | RegExp;

interface RouteOptions {
  /** Shown in error replies (`ERR <name>: …`) and outcomes. Defaults to the verb, `pattern` or `json`. */
  name?: string;
  handler: Handler;
  /** How long the handler may take; defaults to the dispatcher's `defaultTimeoutMs`. */
  timeoutMs?: number;
  /** May run concurrently with this sender's other commands instead of waiting its turn. */
  independent?: boolean;
  /** Safe to run again after a crash between running and recording; read by the store wiring. */
  idempotent?: boolean;
}

/** A route matches by exactly one of `verb`, `pattern` or `json`. */
export type Route =
  | (RouteOptions & { verb: string; pattern?: never; json?: never })
  | (RouteOptions & { pattern: RegExp; verb?: never; json?: never })
  | (RouteOptions & { json: Readonly<Record<string, JsonMatcher>>; verb?: never; pattern?: never });

export type OutcomeStatus =
  | 'ok' // the handler replied and the reply fits
  | 'no-reply' // the handler chose not to reply
  | 'error' // the handler threw, or its reply cannot be encoded, or the payload was invalid JSON
  | 'unknown' // no route matched
  | 'timeout' // the handler did not finish in time
  | 'reply-too-long' // the handler's reply does not fit one SMS; a short error reply is sent instead
  | 'refused'; // the security check refused the command; nothing ran and nothing is sent

export type RefusalReason = 'sender-not-allowed' | 'unsigned' | 'bad-tag' | 'replayed-counter';

export interface Outcome {
  /** The command as received (for signed commands, with the suffix). */
  command: InboundCommand;
  /** The route that handled it. */
  route?: string;
  /** The text to send back to the sender, or null to send nothing. Always fits one SMS. */
  reply: string | null;
  status: OutcomeStatus;
  /** Why the status is not `ok`: the error message, the guard's message or the refusal reason. */
  error?: string;
  refusal?: RefusalReason;
  durationMs: number;
}

/**
 * Throw this from a handler to answer with exactly `reply` (still guarded) and mark the outcome
 * as an error, instead of the generic `ERR <route>: <message>`; e.g. `ERR exit 2: no such file`.
 */
export class ActionFailure extends Error {
  override readonly name = 'ActionFailure';
  constructor(readonly reply: string) {
    super(reply);
  }
}
