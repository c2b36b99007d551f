/**
 * Commands in, outcomes out. Each command is checked (allow-list, signature), routed, handled
 * under a timeout, and its reply guarded to fit one SMS. Expected failures (unknown command,
 * handler crash, timeout, oversize reply) are outcomes with an error reply, never stream errors,
 * so one bad SMS never ends `process()`.
 *
 * Ordering: a sender's commands run one at a time in arrival order (groupBy + concatMap); a route
 * declared `independent` runs as soon as it arrives (mergeMap) and may finish before earlier ones.
 * Security checks and routing happen on arrival, in arrival order, so counters are accepted in order.
 */
import {
  asyncScheduler,
  catchError,
  concatMap,
  connect,
  defer,
  filter,
  finalize,
  firstValueFrom,
  from,
  groupBy,
  isObservable,
  last,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  type SchedulerLike,
  throwError,
  timeout,
} from '../rx.js';
import { silentLogger, type Logger } from '../log.js';
import { MAX_GSM7_SEPTETS } from '../sms/gsm7.js';
import { parsePayload, type ParsedPayload } from './payload.js';
import { fitText, guardReply } from './reply-guard.js';
import { chooseRoute, routeName } from './router.js';
import { CommandSecurity, type SecurityOptions } from './security.js';
import { ActionFailure, type HandlerContext, type HandlerResult, type InboundCommand, type Outcome, type Route } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_UNKNOWN_REPLY = 'ERR unknown command: {verb}';

export interface DispatcherOptions {
  /** Initial routes, in priority order within their kind (see router.ts). */
  routes?: readonly Route[];
  /** Reply to an unknown command; `{verb}` is replaced by its first word. `null` sends nothing. Default `ERR unknown command: {verb}`. */
  unknownReply?: string | null | ((word: string, command: InboundCommand) => string | null);
  /** Handler timeout when the route sets none. Default 10 000 ms. */
  defaultTimeoutMs?: number;
  /** Largest reply in GSM-7 septets. Default and maximum 160. */
  maxReplySeptets?: number;
  /** Allow-list and signed commands. Default: only `000`, unsigned. */
  security?: CommandSecurity | SecurityOptions;
  /** Leave command texts and replies out of the logs. Default false. */
  redactPayloads?: boolean;
  log?: Logger;
  /** Scheduler for timeouts and durations. Default `asyncScheduler`; tests pass virtual time. */
  clock?: SchedulerLike;
}

/** A command after the checks made on arrival: either settled already, or ready to run. */
type Prepared =
  | { kind: 'settled'; lane: 'direct' | 'ordered'; outcome: Outcome }
  | { kind: 'run'; lane: 'ordered' | 'independent'; command: InboundCommand; text: string; route: Route; name: string; payload: ParsedPayload; match?: RegExpExecArray };

class HandlerTimeout extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
  }
}

export class Dispatcher {
  private readonly routes: Route[];
  private readonly unknownReply: NonNullable<DispatcherOptions['unknownReply']> | null;
  private readonly defaultTimeoutMs: number;
  private readonly maxReplySeptets: number;
  private readonly security: CommandSecurity;
  private readonly redact: boolean;
  private readonly log: Logger;
  private readonly clock: SchedulerLike;

  constructor(options: DispatcherOptions = {}) {
    this.routes = [];
    for (const route of options.routes ?? []) this.register(route);
    this.unknownReply = options.unknownReply === undefined ? DEFAULT_UNKNOWN_REPLY : options.unknownReply;
    this.defaultTimeoutMs = positive(options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, 'defaultTimeoutMs');
    this.maxReplySeptets = options.maxReplySeptets ?? MAX_GSM7_SEPTETS;
    if (!Number.isInteger(this.maxReplySeptets) || this.maxReplySeptets < 1 || this.maxReplySeptets > MAX_GSM7_SEPTETS) {
      throw new RangeError(`maxReplySeptets must be an integer from 1 to ${MAX_GSM7_SEPTETS}`);
    }
    this.security = options.security instanceof CommandSecurity ? options.security : new CommandSecurity(options.security);
    this.redact = options.redactPayloads ?? false;
    this.log = options.log ?? silentLogger;
    this.clock = options.clock ?? asyncScheduler;
  }

  /** Adds a route after the existing ones; returns a function that removes it. */
  register(route: Route): () => void {
    const kinds = [route.verb, route.pattern, route.json].filter((k) => k !== undefined).length;
    if (kinds !== 1) throw new TypeError(`route ${route.name ?? '(unnamed)'} must have exactly one of verb, pattern or json`);
    if (typeof route.handler !== 'function') throw new TypeError(`route ${routeName(route)} has no handler`);
    if (route.timeoutMs !== undefined) positive(route.timeoutMs, `route ${routeName(route)} timeoutMs`);
    this.routes.push(route);
    return () => {
      const index = this.routes.indexOf(route);
      if (index >= 0) this.routes.splice(index, 1);
    };
  }

  /** The route a text would take (no security check, nothing runs): for the store's recovery decisions. */
  routeFor(text: string): { name: string; independent: boolean; idempotent: boolean } | undefined {
    const decision = chooseRoute(this.routes, parsePayload(text));
    if (decision.kind !== 'route') return undefined;
    return { name: decision.name, independent: decision.route.independent ?? false, idempotent: decision.route.idempotent ?? false };
  }

  /**
   * The route by which handling this command could have started an action: undefined when its
   * sender is not allowed or its text takes no route. For the store's recovery: a command without
   * one ran nothing, so handling it again repeats its answer (`ERR unknown command`) or its silent
   * refusal, and never runs anything twice.
   */
  actionFor(command: Pick<InboundCommand, 'sender' | 'text'>): ReturnType<Dispatcher['routeFor']> {
    return this.security.isAllowed(command.sender) ? this.routeFor(command.text) : undefined;
  }

  /** Handles one command. Never rejects: every failure is an outcome. */
  dispatch(command: InboundCommand): Promise<Outcome> {
    return firstValueFrom(defer(() => this.run$(this.prepare(command))));
  }

  /** Handles a stream of commands; per-sender order, independent routes concurrently. Unsubscribing aborts handlers in flight. */
  process(commands$: Observable<InboundCommand>): Observable<Outcome> {
    return commands$.pipe(
      map((command) => this.prepare(command)),
      connect((prepared$) =>
        merge(
          prepared$.pipe(
            filter((p) => p.kind === 'settled' && p.lane === 'direct'),
            map((p) => (p as Extract<Prepared, { kind: 'settled' }>).outcome),
          ),
          prepared$.pipe(
            filter((p) => p.lane !== 'direct'),
            groupBy((p) => (p.kind === 'run' ? p.command.sender : p.outcome.command.sender)),
            mergeMap((sender$) =>
              sender$.pipe(
                connect((mine$) =>
                  merge(
                    mine$.pipe(filter((p) => p.lane === 'ordered'), concatMap((p) => this.run$(p))),
                    mine$.pipe(filter((p) => p.lane === 'independent'), mergeMap((p) => this.run$(p))),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** Security and routing, synchronous and in arrival order. Never throws. */
  private prepare(command: InboundCommand): Prepared {
    const started = this.clock.now();
    const settle = (lane: 'direct' | 'ordered', fields: Omit<Outcome, 'command' | 'durationMs'>): Prepared => ({
      kind: 'settled',
      lane,
      outcome: this.report({ command, durationMs: this.clock.now() - started, ...fields }),
    });
    try {
      const verdict = this.security.check(command);
      if (!verdict.ok) return settle('direct', { reply: null, status: 'refused', refusal: verdict.reason, error: verdict.message });

      const payload = parsePayload(verdict.text);
      const decision = chooseRoute(this.routes, payload);
      if (decision.kind === 'invalid-json') {
        return settle('ordered', { reply: fitText(`ERR invalid JSON: ${decision.message}`, this.maxReplySeptets), status: 'error', error: decision.message });
      }
      if (decision.kind === 'unknown') {
        return settle('ordered', { reply: this.unknown(decision.word, command), status: 'unknown', error: `unknown command: ${decision.word}` });
      }
      const { route, name, match } = decision;
      const lane = route.independent === true ? 'independent' : 'ordered';
      return { kind: 'run', lane, command, text: verdict.text, route, name, payload, ...(match === undefined ? {} : { match }) };
    } catch (error) {
      // E.g. the counter store failed: refuse to run rather than run unchecked.
      return settle('direct', { reply: null, status: 'error', error: `security check failed: ${messageOf(error)}` });
    }
  }

  private run$(prepared: Prepared): Observable<Outcome> {
    if (prepared.kind === 'settled') return of(prepared.outcome);
    const { command, route, name, payload } = prepared;
    const timeoutMs = route.timeoutMs ?? this.defaultTimeoutMs;

    return defer(() => {
      const started = this.clock.now();
      const controller = new AbortController();
      let settled = false;
      const ctx: HandlerContext = {
        command: { ...command, text: prepared.text },
        verb: payload.verb,
        args: payload.args,
        ...(payload.json === undefined ? {} : { json: payload.json }),
        ...(prepared.match === undefined ? {} : { match: prepared.match }),
        signal: controller.signal,
        log: this.log,
      };
      const done = (fields: Omit<Outcome, 'command' | 'durationMs' | 'route'>): Outcome => {
        settled = true;
        return this.report({ command, route: name, durationMs: this.clock.now() - started, ...fields });
      };

      return defer(() => replyOf(route.handler(ctx))).pipe(
        timeout({
          first: timeoutMs,
          scheduler: this.clock,
          with: () => {
            const error = new HandlerTimeout(timeoutMs);
            controller.abort(error);
            return throwError(() => error);
          },
        }),
        map((reply) => {
          if (reply === null || reply === undefined || reply === '') return done({ reply: null, status: 'no-reply' });
          if (typeof reply !== 'string') throw new TypeError(`handler returned ${typeof reply}, not a string`);
          const guarded = guardReply(reply, this.maxReplySeptets);
          return guarded.ok ? done({ reply, status: 'ok' }) : done({ reply: guarded.reply, status: guarded.status, error: guarded.error });
        }),
        catchError((error: unknown) => {
          if (error instanceof HandlerTimeout) {
            return of(done({ reply: fitText(`ERR ${name}: ${error.message}`, this.maxReplySeptets), status: 'timeout', error: error.message }));
          }
          const reply = error instanceof ActionFailure ? error.reply : `ERR ${name}: ${messageOf(error)}`;
          return of(done({ reply: fitText(reply, this.maxReplySeptets), status: 'error', error: messageOf(error) }));
        }),
        // Unsubscribed before the handler settled (shutdown): tell it to stop.
        finalize(() => {
          if (!settled) controller.abort(new Error('dispatcher stopped'));
        }),
      );
    });
  }

  private unknown(word: string, command: InboundCommand): string | null {
    const reply = typeof this.unknownReply === 'function' ? this.unknownReply(word, command) : this.unknownReply;
    return reply === null ? null : fitText(reply.replaceAll('{verb}', word), this.maxReplySeptets);
  }

  private report(outcome: Outcome): Outcome {
    const { command } = outcome;
    const fields = {
      id: command.id,
      sender: command.sender,
      route: outcome.route,
      status: outcome.status,
      durationMs: outcome.durationMs,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(this.redact ? {} : { text: command.text, reply: outcome.reply }),
    };
    if (outcome.status === 'ok' || outcome.status === 'no-reply') this.log.info(fields, 'command handled');
    else this.log.warn(fields, outcome.status === 'refused' ? 'command refused' : 'command failed');
    return outcome;
  }
}

/** A handler's result as one value: the reply, or null. An Observable counts by its last value. */
function replyOf(result: HandlerResult): Observable<unknown> {
  if (isObservable(result)) return result.pipe(last(undefined, null));
  if (isPromiseLike(result)) return from(result);
  return of(result);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${what} must be a positive number, got ${value}`);
  return value;
}
