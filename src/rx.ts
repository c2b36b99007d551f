/**
 * The parts of RxJS the bridge uses, loaded one module each.
 *
 * Why: Node resolves `'rxjs'` to the CommonJS index, which loads all of RxJS's ~220 modules
 * (every operator, scheduler and ajax helper) for the 25 we use. That costs about 4 MiB of
 * heap in `smsbridge run`, whose peak RSS is a goal of issue 14 (BENCHMARKS.md, "Memory").
 * RxJS 7 exports `rxjs/internal/*` in its package.json `exports` map; the public names are the
 * same objects (the index re-exports these modules), and test/rx.test.ts checks that each one
 * here is identical to the public export, so an RxJS release that moves a module fails there,
 * not in the field. Source files import RxJS from here only (eslint `no-restricted-imports`).
 */
export { Observable } from 'rxjs/internal/Observable';
export { Subject } from 'rxjs/internal/Subject';
export { BehaviorSubject } from 'rxjs/internal/BehaviorSubject';
export { ReplaySubject } from 'rxjs/internal/ReplaySubject';
export { Subscription } from 'rxjs/internal/Subscription';
export type { SchedulerLike } from 'rxjs/internal/types';
export { asyncScheduler } from 'rxjs/internal/scheduler/async';
export { firstValueFrom } from 'rxjs/internal/firstValueFrom';
export { isObservable } from 'rxjs/internal/util/isObservable';
export { defer } from 'rxjs/internal/observable/defer';
export { from } from 'rxjs/internal/observable/from';
export { merge } from 'rxjs/internal/observable/merge';
export { of } from 'rxjs/internal/observable/of';
export { throwError } from 'rxjs/internal/observable/throwError';
export { catchError } from 'rxjs/internal/operators/catchError';
export { concatMap } from 'rxjs/internal/operators/concatMap';
export { connect } from 'rxjs/internal/operators/connect';
export { distinctUntilChanged } from 'rxjs/internal/operators/distinctUntilChanged';
export { filter } from 'rxjs/internal/operators/filter';
export { finalize } from 'rxjs/internal/operators/finalize';
export { groupBy } from 'rxjs/internal/operators/groupBy';
export { last } from 'rxjs/internal/operators/last';
export { map } from 'rxjs/internal/operators/map';
export { mergeMap } from 'rxjs/internal/operators/mergeMap';
export { timeout } from 'rxjs/internal/operators/timeout';
