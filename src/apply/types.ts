// The apply engine's contract with its caller (the apply service): what it is given, what it reports while it runs and
// what it returns. The engine itself never reads files or flags; it talks to SageMaker through SageMakerApi and hands
// every new state to `persist`.
import type { Diagnostic } from '../diagnostics/index.js'
import type { Action, ChangeReason, Plan, ResourceChange } from '../plan/types.js'
import type { SageMakerApi } from '../sagemaker/types.js'
import type { StateImage } from '../state/store.js'
import type { State } from '../model/state.js'

/** `specHash` only when the plan could not compute it (`change.after.spec_hash` is null): the hash of the spec as now resolved. */
export type ResolvedRequest = { request: Record<string, unknown>; specHash?: string } | { error: string }

/**
 * Builds the concrete Create request for a create or replace, called once per change just before SageMaker is asked and
 * only after every change it depends on has finished, so `state` already holds its dependencies' new jobs. `state` is the
 * engine's working state, handed over without a copy (copying it for each of N creates would cost O(N²)): the resolver
 * reads it before its first await and neither changes nor keeps it.
 *
 * The request is complete, in API spelling, with no `{"$unknown": ...}` left anywhere:
 * - the name member (`TrainingJobName` or `HyperParameterTuningJobName`) is set, and equals `change.after.name`
 *   whenever the plan already knew the name;
 * - `Tags`, when present, holds the user's tags only. The engine adds sageform's three itself (sageformTags in
 *   records.ts): they are how a job created by a run that died before saving state is found and adopted instead of
 *   duplicated, so no caller may get them wrong.
 *
 * The engine checks all of this and fails the change, without calling SageMaker, when the request breaks it.
 * `{ error }` means the request still cannot be built (a value is still unknown); the change fails with that reason.
 */
export type RequestResolver = (change: ResourceChange, state: State) => Promise<ResolvedRequest>

export type ApplyPhase = 'start' | 'done' | 'failed' | 'skipped' | 'deferred'

/** Progress for the UI: one `start` and one final phase per executed change, one final phase for the others. */
export interface ApplyEvent {
  address: string
  action: Action
  /** The plan's reason for the change, so the UI can say "Forgetting" rather than "Stopping" a finished job. */
  reason?: ChangeReason
  phase: ApplyPhase
  message: string
  /** done stop changes: whether a job was stopped or the resource only forgotten. */
  effect?: StopEffect
}

/** How long to wait for a job to stop, or to disappear after a delete, before giving up on the change. */
export interface WaitOptions {
  /** First delay between two Describe calls; it doubles each time. Default 2 s. */
  initialMs?: number
  /** The longest delay between two Describe calls. Default 30 s. */
  maxMs?: number
  /** Give up (the change fails) once this much time has passed. Default 30 min. */
  timeoutMs?: number
}

export interface ExecuteOptions {
  plan: Plan
  api: SageMakerApi
  /** Loaded and locked by the caller. The engine works on a copy and never mutates this object. */
  state: State
  /**
   * Writes the state (the caller wires its backend's write). Called with the whole new state, serialised, once steps
   * have succeeded: one call carries every step recorded while the previous call was in flight (a group commit), its
   * serial one higher than the previous call's; calls never overlap, and each step's action waits for the call that
   * carries it. When it throws, the changes whose steps it carried fail and no further change is started (the returned
   * state still holds everything that succeeded, for the caller to save elsewhere).
   */
  persist: (image: StateImage) => Promise<void>
  /** How many changes (and so SageMaker calls) run at once; below 1 counts as 1. */
  parallelism: number
  resolveRequest: RequestResolver
  onEvent?: (event: ApplyEvent) => void
  now?: () => Date
  /** Polling while a replaced job with a pinned name stops and is deleted; tests set tiny delays. */
  wait?: WaitOptions
  /** Once aborted, changes not yet started are skipped; those already running finish (their jobs must be recorded). */
  signal?: AbortSignal
}

export type ApplyOutcome = 'done' | 'failed' | 'skipped' | 'deferred'

/** What a stop change did: stopped a running job, or only forgot one that had already ended. */
export type StopEffect = 'stopped' | 'forgotten'

/**
 * Why a change failed, as a code callers decide by (words are src/ui's): a step SageMaker (or a check before it)
 * refused; the state file could not be written after the step; a dependency cycle; anything else.
 */
export type FailureKind = 'step' | 'state_write' | 'dependency_cycle' | 'unexpected'

export interface ApplyResultEntry {
  address: string
  /** delete: the older generation's job it removed (the change's `deposed`). */
  deposed?: string
  action: Action
  outcome: ApplyOutcome
  message?: string
  /** The job the change created, adopted or acted on, when there is one. */
  job?: string
  /** stop changes that were done. */
  effect?: StopEffect
  /** failed changes. */
  failure?: FailureKind
}

export interface ApplyResult {
  /** The final state, as last persisted (or as it would have been, if a write failed). */
  state: State
  /** One entry per plan change, in plan order. */
  results: ApplyResultEntry[]
  /** One error diagnostic per failed change, with the address, the SageMaker error code and message in the detail. */
  errors: Diagnostic[]
  /** Jobs created (or adopted) in SageMaker whose record could not be written: they exist, the state file lacks them. */
  unrecorded: Array<{ address: string; job: string }>
}
