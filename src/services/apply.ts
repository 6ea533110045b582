// `sageform apply [PLANFILE]`: take the lock, make (or load and check) a plan, and once confirmed let the engine run it,
// recording every step in the state file as it happens.
import { join } from 'node:path'
import { Diagnostics, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js'
import { findUnknown } from '../config/value.js'
import { executePlan, type ApplyEvent, type ApplyResult, type RequestResolver } from '../apply/engine.js'
import { withoutSnapshot } from '../plan/file.js'
import { readPlanFile } from '../state/plan-file.js'
import { hasUnknownJson, summarize, type Plan, type ResourceChange } from '../plan/types.js'
import { jobName, specHash } from '../planner/identity.js'
import { policyViolations } from '../planner/policy.js'
import { savedPlanProblems } from '../planner/verify.js'
import { toJson } from '../planner/planner.js'
import { isSageMakerError, tagList, type SageMakerApi } from '../sagemaker/types.js'
import type { StateBackend } from '../state/backend.js'
import type { HeldLock } from '../state/lock.js'
import { newState, writeAtomic } from '../state/store.js'
import type { JsonValue, State } from '../model/state.js'
import { loadConfiguration, snapshotHash, type LoadedConfiguration } from './setup/configuration.js'
import { connect } from './setup/connection.js'
import { planService, referenceAttributes, type PlanOptions } from './plan.js'
import { staleJobs } from './setup/recheck.js'
import { lockState, openState, readStateFrom } from './setup/state.js'
import { jobFamily } from '../config/module.js'

export interface ApplyOptions extends PlanOptions {
  /** A plan saved by `plan --out`; without it apply plans afresh. */
  planFile?: string
  lockTimeoutMs: number
  operation?: string
  /** Told the lock as soon as it is taken, before planning: a second Ctrl-C while planning still releases it. */
  onLocked?: (lock: HeldLock) => void
}

/** A plan ready to run, holding the state lock until `finish` or `release`. */
export interface PreparedApply {
  plan: Plan
  options: ApplyOptions
  /** The one SageMaker client of the run: the plan's refresh made it, or executeApply does. */
  api?: SageMakerApi
  lock: HeldLock
  state?: State
  backend: StateBackend
  /** The configuration the plan was made from, loaded once; apply-time values are resolved from it in memory. */
  configuration: Evaluated
}

/** An evaluated configuration and the way to evaluate it again, in memory, once other jobs exist. */
export type Evaluated = Required<Pick<LoadedConfiguration, 'config' | 'evaluate'>>

export async function prepareApply(options: ApplyOptions, api?: SageMakerApi): Promise<{ prepared?: PreparedApply; diagnostics: Diagnostic[] }> {
  try {
    return await prepare(options, api)
  } finally {
    // The plan closes the refresh worker the command started; a way out before the plan closes it here.
    void options.refreshWorker?.then((worker) => worker?.close())
  }
}

async function prepare(options: ApplyOptions, api?: SageMakerApi): Promise<{ prepared?: PreparedApply; diagnostics: Diagnostic[] }> {
  const diags = new Diagnostics()
  if (options.planFile && options.targets?.length) {
    diags.error("Can't use -target when applying a saved plan", { detail: `${options.planFile} already holds only the changes its own -target chose (if any).`, hint: 'Make the plan with -target instead: sageform plan -target=ADDRESS --out FILE.' })
    return { diagnostics: diags.items }
  }
  // Terraform's rule: a saved plan carries the values it was made with, so values given now could only disagree.
  if (options.planFile && options.variables.length > 0) {
    diags.error("Can't set variables when applying a saved plan", {
      detail: `--var and --var-file cannot be used with a saved plan file: ${options.planFile} holds the variable values it was made with, and apply uses those.`,
      hint: 'Apply the plan without --var/--var-file, or make a new plan with the new values: sageform plan --out FILE.',
    })
    return { diagnostics: diags.items }
  }
  const { backend, diagnostics } = await openState(options.dir)
  if (!backend) return { diagnostics }
  const lock = await lockState(backend, options.lockTimeoutMs, options.operation ?? 'apply', diags)
  if (!lock) return { diagnostics: diags.items }
  options.onLocked?.(lock)
  // From here on every way out that is not a prepared apply releases the lock, a thrown error included.
  try {
    // The state the plan was made (or checked) against, read once under the lock, is the state apply starts from.
    const planned = options.planFile ? await loadSavedPlan(options, backend, diags) : await planNow(options, api, backend, diags)
    if (!planned || diags.hasErrors) {
      await lock.release()
      return { diagnostics: sortDiagnostics(diags.items) }
    }
    return { prepared: { ...planned, options, lock, backend }, diagnostics: sortDiagnostics(diags.items) }
  } catch (error) {
    await lock.release()
    throw error
  }
}

type Planned = Pick<PreparedApply, 'plan' | 'state' | 'api' | 'configuration'>

async function planNow(options: ApplyOptions, api: SageMakerApi | undefined, backend: StateBackend, diags: Diagnostics): Promise<Planned | undefined> {
  const made = await planService(options, api, backend)
  diags.append(made.diagnostics)
  const { config, evaluate } = made.configuration ?? {}
  if (!made.plan || !config || !evaluate) return undefined
  return { plan: made.plan, state: made.state, api: made.api, configuration: { config, evaluate } }
}

/**
 * A saved plan applies only to the state it was made against, and only as written by `plan --out`: it must match the
 * schema, its snapshot must hash to its config_hash, and every change must be what that snapshot and the state give.
 * The configuration is evaluated from the snapshot, never from the directory, which may have changed since.
 */
async function loadSavedPlan(options: ApplyOptions, backend: StateBackend, diags: Diagnostics): Promise<Planned | undefined> {
  const read = await readPlanFile(options.planFile!)
  diags.append(read.diagnostics)
  const plan = read.plan
  if (!plan) return undefined
  const refuse = (detail: string) => {
    diags.error('Saved plan refused', { detail: `${options.planFile}: ${detail}`, hint: 'Run sageform plan --out FILE again, review it, and apply the new file unchanged.' })
    return undefined
  }
  if (!plan.configuration) return refuse('it carries no configuration snapshot (it was not written by sageform plan --out, or by an older sageform).')
  if (snapshotHash(plan.configuration) !== plan.config_hash) return refuse('its configuration snapshot does not match its config_hash: the file was edited.')
  const { state, diagnostics } = await readStateFrom(backend)
  diags.append(diagnostics)
  if (diags.hasErrors) return undefined
  const current = { lineage: state?.lineage ?? null, serial: state?.serial ?? 0 }
  if (plan.state.lineage !== null && current.lineage !== plan.state.lineage) {
    // Not "stale": nothing was applied since to the plan's state; this is another one (another directory, backend).
    diags.error('Saved plan is for another state', {
      detail: `The plan was made against state ${plan.state.lineage} serial ${plan.state.serial}, but ${current.lineage === null ? `${backend.location} does not exist` : `${backend.location} is state ${current.lineage}`}: the plan was made in another directory (or with another backend).`,
      hint: 'Apply it from the directory it was made in: sageform -chdir=DIR apply FILE, as plan --out printed.',
    })
    return undefined
  }
  if (current.lineage !== plan.state.lineage || current.serial !== plan.state.serial) {
    diags.error('Saved plan is stale', {
      detail: `The plan was made against state ${plan.state.lineage ?? '(none)'} serial ${plan.state.serial}; the state is now ${current.lineage ?? '(none)'} serial ${current.serial}. Something was applied since.`,
      hint: 'Run sageform plan --out FILE again, review it, and apply the new file.',
    })
    return undefined
  }
  const loaded = await loadConfiguration({ ...options, snapshot: plan.configuration, resourceAttributes: referenceAttributes(state, replacedAddresses(plan)) })
  diags.append(loaded.diagnostics.filter((d) => d.severity === 'error'))
  if (!loaded.config || !loaded.evaluate || diags.hasErrors) return undefined
  const problems = savedPlanProblems(plan, state, loaded.config)
  if (problems.length > 0) return refuse(`it does not match its own configuration and the state:\n  ${problems.join('\n  ')}`)
  // Counts shown to the user come from the changes, never from the file's own summary.
  return { plan: { ...plan, summary: summarize(plan.changes) }, state, configuration: { config: loaded.config, evaluate: loaded.evaluate } }
}

/** Resources the plan gives a new generation: references to them resolve to the new job's name. */
function replacedAddresses(plan: Plan): Set<string> {
  return new Set(plan.changes.filter((c) => c.action === 'replace').map((c) => c.address))
}

export interface ApplySummary {
  /** Jobs deleted from SageMaker: older generations (keep_generations), or with destroy --delete every job record. */
  deleted?: number
  created: number
  /** New generations started by lifecycle.retune_every. */
  retuned?: number
  replaced: number
  updated: number
  /** Running jobs asked to stop. */
  stopped: number
  /** Resources forgotten whose job had already ended (nothing was stopped). */
  forgotten?: number
  adopted: number
  /** Jobs adopted by import blocks. */
  imported?: number
  failed: number
  deferred: number
}

/** The `apply --json` and `destroy --json` payload (schemas/apply.json). */
export interface ApplyPayload {
  mode: 'apply' | 'destroy'
  applied: boolean
  /** destroy --delete: the job records removed from SageMaker. */
  deleted?: string[]
  plan: Plan | null
  results: ApplyResult['results']
  summary: ApplySummary
  diagnostics: Diagnostic[]
}

/**
 * The payload of an apply that changed nothing: its preparation failed (no `prepared`), or it was refused or
 * interrupted before it started, and then its lock is released here.
 */
export async function abandonApply(options: ApplyOptions, prepared: PreparedApply | undefined, diagnostics: Diagnostic[]): Promise<ApplyPayload> {
  if (prepared) await prepared.lock.release()
  return payload(false, prepared?.plan ?? null, [], diagnostics, options.destroy ? 'destroy' : 'apply')
}

/** What the caller controls while an apply runs. */
export interface ApplyControl {
  /** Once aborted (the first SIGINT or SIGTERM), no further change starts; the ones running finish and are recorded. */
  signal?: AbortSignal
  /** When the state could be written neither to its place nor to errored.sageform.state.json: its JSON, to print. */
  onUnsavedState?: (json: string) => void
}

export async function executeApply(prepared: PreparedApply, onEvent?: (event: ApplyEvent) => void, control: ApplyControl = {}): Promise<ApplyPayload> {
  const { options, plan, backend } = prepared
  const diags = new Diagnostics()
  let result: ApplyResult | undefined
  let out: ApplyPayload
  try {
    out = await run()
  } catch (error) {
    // Whatever went wrong (a disk fault, a bug), the payload still says what was done: --json always prints one.
    diags.error(isSageMakerError(error) ? 'SageMaker refused the request' : 'Apply stopped by an unexpected error', { detail: isSageMakerError(error) ? `${error.code}: ${error.message}` : (error as Error).message })
    out = payload(result !== undefined, plan, result?.results ?? [], diags.items, options.destroy ? 'destroy' : 'apply')
  }
  try {
    await prepared.lock.release()
  } catch (error) {
    out.diagnostics.push({
      severity: 'error',
      summary: 'The state lock could not be released',
      detail: `${(error as Error).message}`,
      hint: `Once the problem is fixed, run: sageform force-unlock ${prepared.lock.info.id} (a local lock whose process has ended is also taken over by the next run on this host).`,
    })
  }
  return out

  async function run(): Promise<ApplyPayload> {
    // The state (and its lineage) exists on disk before the first job is created: a job whose create succeeds but
    // whose apply then dies carries this lineage in its tags, so the next plan finds and adopts it.
    let state = prepared.state
    if (!state) {
      state = newState()
      await backend.write(state)
    }
    // Kept on `prepared`, so the caller can go on using the connection (apply --wait follows the jobs with it).
    const api = (prepared.api ??= await connect(options, prepared.configuration.config.provider, diags))
    if (!api) return payload(false, plan, [], diags.items)
    const stale = await staleJobs(plan, api, options.parallelism)
    if (stale.length > 0) {
      diags.error('The plan is stale', {
        detail: `Jobs it acts on changed since it was made:\n  ${stale.join('\n  ')}`,
        hint: options.planFile ? 'Run sageform plan --out FILE again, review it, and apply the new file.' : 'Run sageform apply again to plan from what SageMaker says now.',
      })
      return payload(false, plan, [], diags.items)
    }
    result = await executePlan({
      plan,
      api,
      state,
      persist: (image) => backend.write(image),
      parallelism: options.parallelism,
      resolveRequest: requestResolver(plan, prepared.configuration),
      onEvent,
      signal: control.signal,
    })
    await backend.checkpoint()
    diags.append(result.errors)
    if (result.unrecorded.length > 0) diags.add(unrecordedDiagnostic(result.unrecorded, backend.location))
    if (!(await keepUnsavedState(result, options.dir, backend.location, diags))) control.onUnsavedState?.(JSON.stringify(result.state, null, 2))
    if (control.signal?.aborted) {
      const skipped = result.results.filter((r) => r.outcome === 'skipped').length
      diags.error('Apply interrupted', {
        detail: `Changes already running were finished and recorded${skipped > 0 ? `; ${skipped} change${skipped === 1 ? ' was' : 's were'} not started` : ''}. The state holds every job that was created.`,
        hint: 'Run sageform apply again to carry out the rest of the plan.',
      })
    }
    if (plan.targets?.length) {
      diags.warning('Applied changes may be incomplete', {
        detail: `The plan was made with -target (${plan.targets.join(', ')}), so other changes the configuration asks for may not have been applied.`,
        hint: 'Run sageform plan without -target to see what is left; -target is for exceptional use only.',
      })
    }
    // destroy leaves no outputs, as Terraform's does.
    await recordOutputs(result.state, options.destroy ? undefined : prepared.configuration, backend, diags)
    return payload(true, plan, result.results, diags.items, options.destroy ? 'destroy' : 'apply')
  }
}

/** Jobs that exist in SageMaker but not in the state file: always named, whatever else went wrong. */
function unrecordedDiagnostic(jobs: ApplyResult['unrecorded'], location: string): Diagnostic {
  return {
    severity: 'error',
    summary: `${jobs.length === 1 ? 'A job was' : `${jobs.length} jobs were`} created but not recorded in the state`,
    detail: `${location} could not be written after ${jobs.length === 1 ? 'this job was' : 'these jobs were'} created; ${jobs.length === 1 ? 'it runs' : 'they run'} (and cost money) in SageMaker:\n${jobs.map((j) => `  ${j.job} (${j.address})`).join('\n')}`,
    hint: "Each carries this state's lineage in its tags: once the state can be written, the next apply adopts it instead of creating another.",
  }
}

function payload(applied: boolean, plan: Plan | null, results: ApplyResult['results'], diagnostics: Diagnostic[], mode: ApplyPayload['mode'] = 'apply'): ApplyPayload {
  const count = (action: ResourceChange['action']) => results.filter((r) => r.action === action && r.outcome === 'done').length
  const deleted = results.filter((r) => r.action === 'delete' && r.outcome === 'done').flatMap((r) => (r.deposed ? [r.deposed] : []))
  return {
    mode,
    applied,
    // The snapshot's variable values may be secret: the payload is printed.
    plan: plan && withoutSnapshot(plan),
    results,
    summary: {
      created: count('create'),
      replaced: count('replace'),
      updated: count('update'),
      stopped: results.filter((r) => r.effect === 'stopped').length,
      ...(results.some((r) => r.effect === 'forgotten') ? { forgotten: results.filter((r) => r.effect === 'forgotten').length } : {}),
      adopted: count('adopt'),
      ...(count('import') ? { imported: count('import') } : {}),
      ...(count('retune') ? { retuned: count('retune') } : {}),
      ...(deleted.length > 0 || plan?.changes.some((c) => c.reason === 'destroy_delete') ? { deleted: deleted.length } : {}),
      failed: results.filter((r) => r.outcome === 'failed').length,
      deferred: results.filter((r) => r.outcome === 'deferred').length,
    },
    ...(mode === 'destroy' && plan?.changes.some((c) => c.reason === 'destroy_delete') ? { deleted: deleted.sort() } : {}),
    diagnostics: sortDiagnostics(diagnostics),
  }
}

/**
 * The Create request for each change, as the engine needs it: the plan's request when the plan knew everything,
 * otherwise the plan's configuration evaluated again, in memory, now that the jobs it depends on exist. Either way the
 * policy's limits are checked with every request resolved so far before the job may be created.
 */
export function requestResolver(plan: Plan, configuration: Evaluated): RequestResolver {
  const resolved = new Map<ResourceChange, JsonValue>()
  return async (change, state) => {
    const built = buildRequest(change, state, configuration)
    if ('error' in built) return built
    // Without a policy there is nothing to check (and rebuilding the changes for each of N creates would cost O(N²)).
    const resolvedRequest = { request: built.request, ...(built.specHash ? { specHash: built.specHash } : {}) }
    if (!configuration.config.policy) return resolvedRequest
    resolved.set(change, built.body)
    const changes = plan.changes.map((c) => (resolved.has(c) && c.after ? { ...c, after: { ...c.after, request: resolved.get(c)! } } : c))
    const refused = policyViolations(configuration.config.policy, { changes }, { costEstimated: false }).filter((d) => d.severity === 'error')
    if (refused.length > 0) {
      resolved.delete(change)
      return { error: `${refused.map((d) => `${d.summary}: ${d.detail ?? ''}`).join(' ')} (with values known only at apply time; nothing was sent)` }
    }
    return resolvedRequest
  }
}

function buildRequest(change: ResourceChange, state: State, configuration: Evaluated): { request: Record<string, unknown>; specHash?: string; body: JsonValue } | { error: string } {
  const after = change.after!
  let request = after.request as Record<string, JsonValue>
  let name = after.name
  let hash = after.spec_hash
  let userTags = after.tags as Record<string, string>
  if (hasUnknownJson(request) || hasUnknownJson(after.tags as unknown as JsonValue) || name === null || hash === null) {
    // `state` already holds the jobs this apply created: a replaced dependency's new job is its current one now, so
    // nothing is forced any more (forcing would look for yet another generation).
    const { config } = configuration.evaluate(referenceAttributes(state, new Set()))
    const resource = config.resources.find((r) => r.address === change.address)
    if (!resource) return { error: `${change.address} is no longer in the configuration` }
    const unknown = findUnknown(resource.request as never) ?? findUnknown(resource.tags as never)
    if (unknown) return { error: `${unknown.origin} is still unknown` }
    const resolvedHash = specHash(resource, after.generation)
    const resolvedName = jobName(resource, resolvedHash)
    if (typeof resolvedHash !== 'string' || typeof resolvedName !== 'string') return { error: 'the job name is still unknown' }
    // warm_start_from_previous parents are the planner's choice, not the configuration's: keep the plan's.
    request = { ...(toJson(resource.request) as Record<string, JsonValue>), ...(resource.warmStartFromPrevious && after.request && typeof after.request === 'object' && 'WarmStartConfig' in after.request ? { WarmStartConfig: (after.request as Record<string, JsonValue>).WarmStartConfig! } : {}) }
    name = resolvedName
    hash = resolvedHash
    userTags = resource.tags as Record<string, string>
  }
  const nameMember = jobFamily(change.type) === 'training' ? 'TrainingJobName' : 'HyperParameterTuningJobName'
  // sageform's own tags are the engine's to add.
  return { request: { ...request, [nameMember]: name, Tags: tagList(userTags) }, ...(hash === after.spec_hash ? {} : { specHash: hash }), body: request }
}

/** Outputs are evaluated against the final state, so names and ARNs of new jobs appear in `sageform output`. */
async function recordOutputs(state: State, configuration: Evaluated | undefined, backend: StateBackend, diags: Diagnostics): Promise<void> {
  const outputs = outputsOf(state, configuration)
  if (JSON.stringify(outputs) === JSON.stringify(state.outputs ?? {})) return
  try {
    await backend.write({ ...state, serial: state.serial + 1, outputs })
  } catch (error) {
    diags.warning('Outputs not recorded', { detail: (error as Error).message })
  }
}

/** The configuration's outputs with every value the state makes known (unknown ones are left out). */
export function outputsOf(state: State, configuration: Evaluated | undefined): NonNullable<State['outputs']> {
  const outputs: NonNullable<State['outputs']> = {}
  // Evaluating again only adds values to the outputs the configuration declares: with none, there is nothing to add.
  const declared = configuration !== undefined && configuration.config.outputs.size > 0
  for (const [name, output] of declared ? configuration.evaluate(referenceAttributes(state, new Set())).config.outputs : []) {
    if (findUnknown(output.value)) continue
    outputs[name] = { value: JSON.parse(JSON.stringify(output.value)) as JsonValue, ...(output.sensitive ? { sensitive: true } : {}) }
  }
  return outputs
}

/**
 * When a state write failed mid-apply, the engine still returns what it did; like Terraform's errored.tfstate, that
 * state goes to a file of its own (atomically) so no job is lost from sageform's sight. False when even that failed:
 * the caller then prints the state itself.
 */
async function keepUnsavedState(result: ApplyResult, dir: string, location: string, diags: Diagnostics): Promise<boolean> {
  if (!result.results.some((r) => r.failure === 'state_write')) return true
  const path = join(dir, 'errored.sageform.state.json')
  try {
    await writeAtomic(path, JSON.stringify(result.state, null, 2) + '\n')
  } catch (error) {
    diags.error('The state could not be saved anywhere', {
      detail: `Neither ${location} nor ${path} could be written (${(error as Error).message}), so the state after this apply is printed on stderr.`,
      hint: `Save that JSON, fix the cause (disk full, read-only, permissions), then put it in place of ${location}, keeping the old one.`,
    })
    return false
  }
  diags.error('State saved to errored.sageform.state.json', {
    detail: `The state at ${location} could not be written, so the state after this apply was saved to ${path}.`,
    hint: `Fix the cause (disk full, permissions, network), then replace ${location} with it, keeping the old one.`,
  })
  return true
}
