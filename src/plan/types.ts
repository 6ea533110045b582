// A plan is a value: what apply will do, resource by resource, with enough context to show it, save it to a file and
// refuse it later if the world moved on. Apply is driven only by `changes`.
import type { Diagnostic } from '../diagnostics/index.js'
import type { ResourceType } from '../config/module.js'
import type { JsonValue } from '../model/state.js'
import type { JobCost, JobCostUnknown, PlanCost } from './cost.js'
import type { QuotaCheck } from './quota.js'

export const PLAN_FORMAT_VERSION = '1.0'

/**
 * create   a resource with no job yet
 * replace  a changed spec (or --replace): a new job; the old one is stopped if still running and kept in history
 * update   tags (AddTags/DeleteTags) or UpdateTrainingJob fields of the current job
 * stop     a resource removed from the configuration: stop its job if running, then forget it
 * adopt    a job with the resource's deterministic name already exists (an apply died before writing state)
 * import   an import block names an existing job (`before`) for a resource that has none: apply records it
 * retune   lifecycle.retune_every: the current job completed and started long enough ago, so a new generation of the same spec runs
 * delete   lifecycle.keep_generations: a finished job of an older generation (`deposed`) is deleted from SageMaker
 * no-op    nothing to do; the live status is shown
 */
export type Action = 'create' | 'replace' | 'update' | 'stop' | 'adopt' | 'import' | 'retune' | 'delete' | 'no-op'

/** A value the plan cannot know until apply, in JSON: `{"$unknown": "<what it waits for>"}`. */
export interface UnknownJson {
  $unknown: string
}

export interface JobRef {
  name: string
  arn?: string
  status?: string
  spec_hash?: string
  generation?: number
}

export interface PlannedJob {
  /** Null until apply when the name depends on values not known yet. */
  name: string | null
  spec_hash: string | null
  generation: number
  /** The Create request (without name and tags), unknown leaves as UnknownJson. */
  request: JsonValue
  tags: Record<string, string | UnknownJson>
  /** API paths of the request (dot-joined, as `HyperParameters.token`) derived from sensitive values; recorded in the state. */
  sensitive_paths?: string[]
}

export interface AttributeChange {
  /** Manifest spelling, e.g. `hyper_parameters.eta`. */
  path: string
  before?: JsonValue
  after?: JsonValue
  /** Does this change alone force a new job? */
  forces_replacement: boolean
  /** The value contains a `sensitive` variable's value: people see "(sensitive value)", as in Terraform. */
  sensitive?: boolean
}

/**
 * Why a change is planned. src/ui words each one (with `reason_args` where it needs figures); code decides by these.
 *
 * no_current_job      create: the resource has earlier jobs but none current
 * job_missing         create: the current job no longer exists in SageMaker
 * spec_changed        replace: the spec hash changed
 * spec_unknown        replace: the spec depends on a value known after apply (reason_args.origin)
 * replace_forced      replace: --replace
 * tags_changed, settings_changed, tags_and_settings_changed   update
 * job_exists          adopt: a job with the resource's name and sageform's tags exists but is not in state
 * import_differs      import: the job differs from the configuration, so a later plan replaces it
 * retune_due          retune (reason_args.started_ago_seconds, retune_every_seconds)
 * old_generation      delete: older than the newest keep_generations (reason_args.keep)
 * removed_running, removed_finished   stop: the resource left the configuration
 * destroy_running, destroy_finished   stop: destroy
 * destroy_forget      stop: destroy forgets a resource that has only history
 * destroy_delete      delete: destroy --delete removes this job record from SageMaker
 * deposed_running     stop: a job the resource replaced (`deposed`) may still run
 * deposed_finished    no-op: a deposed job has ended; apply moves it to history
 * status_changed      no-op of -refresh-only: SageMaker's status differs from the recorded one (reason_args.recorded_status)
 */
export type ChangeReason =
  | 'no_current_job'
  | 'job_missing'
  | 'spec_changed'
  | 'spec_unknown'
  | 'replace_forced'
  | 'tags_changed'
  | 'settings_changed'
  | 'tags_and_settings_changed'
  | 'job_exists'
  | 'import_differs'
  | 'retune_due'
  | 'old_generation'
  | 'removed_running'
  | 'removed_finished'
  | 'destroy_running'
  | 'destroy_finished'
  | 'destroy_forget'
  | 'destroy_delete'
  | 'deposed_running'
  | 'deposed_finished'
  | 'status_changed'

export interface ResourceChange {
  address: string
  /** A moved block (or an implied move) took the record from this address: apply moves it first, with no new job. */
  previous_address?: string
  /**
   * The job this change acts on when it is not the resource's current one: a deposed job to stop (or to record as
   * ended), or a job record to delete (an older generation, or any record with destroy --delete).
   */
  deposed?: string
  type: ResourceType
  action: Action
  reason?: ChangeReason
  /** Figures the reason's words need (see ChangeReason). */
  reason_args?: Record<string, string | number>
  /** A pinned name must be freed before the new job can take it: stop, delete, then create. */
  delete_before_create?: boolean
  before?: JobRef
  after?: PlannedJob
  attribute_changes: AttributeChange[]
  /** `before`: the values the changed and removed tags have now, for an old → new diff. */
  tag_changes?: { set: Record<string, string>; remove: string[]; before?: Record<string, string> }
  /** UpdateTrainingJob members to send (API spelling), for update of a running training job. */
  training_job_update?: Record<string, JsonValue>
  /** Created only once these are done (warm-start parents must have finished), so apply leaves it for later. */
  deferred?: { reason: string; waiting_for: string[] }
  depends_on: string[]
  /** lifecycle.retune_every: when the current job is (or was) due for a new generation, on SageMaker's clock (ISO 8601). */
  retune_due_at?: string
  /** create and replace: the most the new job can cost (absent with plan --no-cost). */
  cost?: JobCost | JobCostUnknown
}

export interface Drift {
  address: string
  kind: 'status' | 'tags' | 'missing'
  detail: string
}

export interface PlanSummary {
  create: number
  replace: number
  update: number
  stop: number
  adopt: number
  retune: number
  delete: number
  /** Present when an import block adopts a job. */
  import?: number
}

/**
 * What the plan was made from, as Terraform's planfile carries it: the manifests, the variable values and the files
 * file() read. Apply evaluates this, never the directory, so what runs is what was planned. Only a saved plan carries
 * it (variable values may be secret): `plan --json` and `show --json` leave it out.
 */
export interface ConfigurationSnapshot {
  /** Every manifest, by file name within the configuration directory. */
  files: Array<{ name: string; source: string }>
  variables: Record<string, JsonValue>
  /** file() reads, by path relative to the configuration directory, base64. */
  file_reads?: Record<string, string>
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION
  /** Identifies the configuration and variable values the plan was made from: the hash of `configuration`. */
  config_hash: string
  configuration?: ConfigurationSnapshot
  /** The state the plan was made against; apply refuses a plan whose state has moved on. */
  state: { lineage: string | null; serial: number }
  refreshed: boolean
  /** -target: the plan holds only these addresses' changes and their dependencies' (destroy: their dependents'). */
  targets?: string[]
  /** -refresh-only: every change is a no-op; apply only records what SageMaker says (statuses, best jobs, outputs). */
  refresh_only?: boolean
  /** When the plan was made, on SageMaker's clock (ISO 8601): re-tunes are due relative to it. */
  planned_at?: string
  changes: ResourceChange[]
  drift: Drift[]
  summary: PlanSummary
  diagnostics: Diagnostic[]
  /** The most the jobs the plan creates can cost, in total (absent with plan --no-cost, or when it creates none). */
  cost?: PlanCost
  /** Whether the jobs the plan starts fit the account's SageMaker quotas (absent with plan --no-quota-check, or when it starts none). */
  quota_check?: QuotaCheck
}

export function summarize(changes: readonly ResourceChange[]): PlanSummary {
  const count = (a: Action) => changes.filter((c) => c.action === a).length
  const imports = count('import')
  return { create: count('create'), replace: count('replace'), update: count('update'), stop: count('stop'), adopt: count('adopt'), retune: count('retune'), delete: count('delete'), ...(imports ? { import: imports } : {}) }
}

export function hasChanges(plan: Pick<Plan, 'changes'>): boolean {
  // A refresh-only plan's change is a status to record.
  return plan.changes.some((c) => c.action !== 'no-op' || c.previous_address !== undefined || c.reason === 'status_changed')
}

/** Does this change start a new job for its resource (create, replace, retune)? */
export function startsJob(change: ResourceChange): boolean {
  return change.action === 'create' || change.action === 'replace' || change.action === 'retune'
}

/** Does a JSON value (a planned request) hold a value unknown until apply, `{"$unknown": ...}`, anywhere? */
export function hasUnknownJson(value: JsonValue): boolean {
  if (value === null || typeof value !== 'object') return false
  if (!Array.isArray(value) && '$unknown' in value) return true
  return (Array.isArray(value) ? value : Object.values(value)).some(hasUnknownJson)
}

/** The value at `path` (member names and list indices), or undefined where the path leaves the value. */
export function digJson(value: JsonValue | undefined, path: ReadonlyArray<string | number>): JsonValue | undefined {
  let current = value
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, JsonValue>)[step]
  }
  return current
}

export const SENSITIVE_TEXT = '(sensitive value)'

/** A copy of a recorded request with the value at every sensitive path (`HyperParameters.token`) replaced, for display. */
export function hideSensitive(value: JsonValue, paths: readonly string[] | undefined, at = ''): JsonValue {
  if (!paths?.length) return value
  if (at !== '' && paths.includes(at)) return SENSITIVE_TEXT
  if (value === null || typeof value !== 'object') return value
  const step = (key: string | number) => (at === '' ? String(key) : `${at}.${key}`)
  if (Array.isArray(value)) return value.map((item, i) => hideSensitive(item, paths, step(i)))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideSensitive(v, paths, step(k))]))
}
