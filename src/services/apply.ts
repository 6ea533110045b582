// `sageform apply [PLANFILE]`: take the lock, make (or load and check) a plan, and once confirmed let the engine run it,
// recording every step in the state file as it happens.
import { normalizeAddress } from '../config/address.js'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Diagnostics, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js'
import { findUnknown } from '../config/value.js'
import { deleteJobs, type JobToDelete } from '../apply/delete.js'
import { executePlan, type ApplyEvent, type ApplyResult } from '../apply/engine.js'
import { hasUnknownJson, PLAN_FORMAT_VERSION, type Plan, type ResourceChange } from '../plan/types.js'
import { jobName, specHash } from '../planner/identity.js'
import { TAG, toJson } from '../planner/planner.js'
import { isSageMakerError, tagList, type SageMakerApi } from '../sagemaker/types.js'
import type { StateBackend } from '../state/backend.js'
import { parseDuration, type HeldLock } from '../state/lock.js'
import { newState } from '../state/store.js'
import type { JsonValue, State } from '../state/types.js'
import { loadConfiguration, providerSettings } from './configuration.js'
import { connect } from './connection.js'
import { planService, referenceAttributes, type PlanOptions } from './plan.js'
import { staleJobs } from './recheck.js'
import { lockBackend, openState, readStateFrom } from './state.js'
import { jobFamily } from '../config/module.js'

export interface ApplyOptions extends PlanOptions {
  /** A plan saved by `plan --out`; without it apply plans afresh. */
  planFile?: string
  lockTimeout: string
  operation?: string
  /** With destroy: also delete the finished job records (current and history) from SageMaker. */
  deleteJobs?: boolean
}

/** A plan ready to run, holding the state lock until `finish` or `release`. */
export interface PreparedApply {
  plan: Plan
  options: ApplyOptions
  api?: SageMakerApi
  lock: HeldLock
  state?: State
  backend: StateBackend
}

export async function lockState(backend: StateBackend, lockTimeout: string, operation: string, diags: Diagnostics): Promise<HeldLock | undefined> {
  const timeoutMs = parseDuration(lockTimeout)
  if (timeoutMs === undefined) {
    diags.error('Invalid --lock-timeout', { detail: `"${lockTimeout}" is not a duration.`, hint: 'Use a number with s, m or h, such as 30s or 5m.' })
    return undefined
  }
  const acquired = await lockBackend(backend, { operation, timeoutMs })
  if (!acquired.ok) {
    diags.add(acquired.diagnostic)
    return undefined
  }
  return acquired.lock
}

export async function prepareApply(options: ApplyOptions, api?: SageMakerApi): Promise<{ prepared?: PreparedApply; diagnostics: Diagnostic[] }> {
  const diags = new Diagnostics()
  const { backend, diagnostics } = await openState(options.dir)
  if (!backend) return { diagnostics }
  const lock = await lockState(backend, options.lockTimeout, options.operation ?? 'apply', diags)
  if (!lock) return { diagnostics: diags.items }
  // The state the plan was made (or checked) against, read once under the lock, is the state apply starts from.
  let planned: { plan?: Plan; state?: State } | undefined
  if (options.planFile) planned = await loadSavedPlan(options, backend, diags)
  else {
    const made = await planService(options, api, backend)
    diags.append(made.diagnostics)
    planned = { plan: made.plan ?? undefined, state: made.state }
  }
  const { plan, state } = planned ?? {}
  if (!plan || diags.hasErrors) {
    await lock.release()
    return { diagnostics: sortDiagnostics(diags.items) }
  }
  return { prepared: { plan, options, api, lock, state, backend }, diagnostics: sortDiagnostics(diags.items) }
}

/** A saved plan applies only to the state and configuration it was made from. */
async function loadSavedPlan(options: ApplyOptions, backend: StateBackend, diags: Diagnostics): Promise<{ plan: Plan; state?: State } | undefined> {
  let plan: Plan
  try {
    plan = JSON.parse(await readFile(options.planFile!, 'utf8')) as Plan
  } catch (error) {
    diags.error('Cannot read the saved plan', { detail: `${options.planFile}: ${(error as Error).message}`, hint: 'Make one with sageform plan --out FILE.' })
    return undefined
  }
  if (plan.format_version !== PLAN_FORMAT_VERSION || !Array.isArray(plan.changes)) {
    diags.error('Not a sageform plan', { detail: `${options.planFile} is not a plan file of format ${PLAN_FORMAT_VERSION}.` })
    return undefined
  }
  const { state, diagnostics } = await readStateFrom(backend)
  diags.append(diagnostics)
  const current = { lineage: state?.lineage ?? null, serial: state?.serial ?? 0 }
  if (current.lineage !== plan.state.lineage || current.serial !== plan.state.serial) {
    diags.error('Saved plan is stale', {
      detail: `The plan was made against state ${plan.state.lineage ?? '(none)'} serial ${plan.state.serial}; the state is now ${current.lineage ?? '(none)'} serial ${current.serial}. Something was applied since.`,
      hint: 'Run sageform plan --out FILE again, review it, and apply the new file.',
    })
    return undefined
  }
  const loaded = await loadConfiguration({ ...options, resourceAttributes: referenceAttributes(state, new Set(options.replace.map(normalizeAddress))) })
  diags.append(loaded.diagnostics.filter((d) => d.severity === 'error'))
  if (loaded.fingerprint !== undefined && loaded.fingerprint !== plan.config_hash) {
    diags.error('Saved plan is stale', { detail: 'The configuration files or variable values changed since the plan was made.', hint: 'Run sageform plan --out FILE again.' })
    return undefined
  }
  return { plan, state }
}

export interface ApplySummary {
  /** Jobs deleted from SageMaker: older generations (keep_generations), or with destroy --delete every job record. */
  deleted?: number
  created: number
  /** New generations started by lifecycle.retune_every. */
  retuned?: number
  replaced: number
  updated: number
  stopped: number
  adopted: number
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

export async function executeApply(prepared: PreparedApply, onEvent?: (event: ApplyEvent) => void): Promise<ApplyPayload> {
  const { options, plan, backend } = prepared
  const diags = new Diagnostics()
  try {
    // The state (and its lineage) exists on disk before the first job is created: a job whose create succeeds but
    // whose apply then dies carries this lineage in its tags, so the next plan finds and adopts it.
    let state = prepared.state
    if (!state) {
      state = newState()
      await backend.write(state)
    }
    // Kept on `prepared`, so the caller can go on using the connection (apply --wait follows the jobs with it).
    const api = (prepared.api ??= await connect(options, await providerSettings(options), diags))
    if (!api) return payload(false, plan, [], diags.items)
    const stale = await staleJobs(plan, api, options.parallelism)
    if (stale.length > 0) {
      diags.error('The plan is stale', {
        detail: `Jobs it acts on changed since it was made:\n  ${stale.join('\n  ')}`,
        hint: options.planFile ? 'Run sageform plan --out FILE again, review it, and apply the new file.' : 'Run sageform apply again to plan from what SageMaker says now.',
      })
      return payload(false, plan, [], diags.items)
    }
    const result = await executePlan({
      plan,
      api,
      state,
      persist: (next) => backend.write(next),
      parallelism: options.parallelism,
      resolveRequest: (change, current) => resolveRequest(change, current, options),
      onEvent,
    })
    diags.append(result.errors)
    await keepUnsavedState(result, options.dir, backend.location, diags)
    if (options.destroy) {
      const deleted = options.deleteJobs ? await deleteJobs(api, jobsOf(state), options.parallelism) : undefined
      if (deleted) diags.append(deleted.errors)
      await forgetFinished(result.state, backend)
      const out = payload(true, plan, result.results, diags.items, 'destroy')
      if (deleted) {
        out.deleted = deleted.deleted
        out.summary.deleted = deleted.deleted.length
      }
      return out
    }
    await recordOutputs(result.state, options, backend, diags)
    return payload(true, plan, result.results, diags.items)
  } catch (error) {
    if (!isSageMakerError(error)) throw error
    diags.error('SageMaker refused the request', { detail: `${error.code}: ${error.message}` })
    return payload(false, plan, [], diags.items)
  } finally {
    await prepared.lock.release()
  }
}

function payload(applied: boolean, plan: Plan, results: ApplyResult['results'], diagnostics: Diagnostic[], mode: ApplyPayload['mode'] = 'apply'): ApplyPayload {
  const count = (action: ResourceChange['action']) => results.filter((r) => r.action === action && r.outcome === 'done').length
  return {
    mode,
    applied,
    plan,
    results,
    summary: {
      created: count('create'),
      replaced: count('replace'),
      updated: count('update'),
      stopped: count('stop'),
      adopted: count('adopt'),
      ...(count('retune') ? { retuned: count('retune') } : {}),
      ...(count('delete') ? { deleted: count('delete') } : {}),
      failed: results.filter((r) => r.outcome === 'failed').length,
      deferred: results.filter((r) => r.outcome === 'deferred').length,
    },
    diagnostics: sortDiagnostics(diagnostics),
  }
}

/**
 * The Create request for a change, as the engine needs it: the plan's request when the plan knew everything, otherwise
 * the configuration evaluated again now that the jobs it depends on exist.
 */
async function resolveRequest(change: ResourceChange, state: State, options: ApplyOptions): Promise<{ request: Record<string, unknown> } | { error: string }> {
  const after = change.after!
  let request = after.request as Record<string, JsonValue>
  let name = after.name
  let hash = after.spec_hash
  let userTags = after.tags as Record<string, string>
  if (hasUnknownJson(request) || hasUnknownJson(after.tags as unknown as JsonValue) || name === null || hash === null) {
    const loaded = await loadConfiguration({ ...options, resourceAttributes: referenceAttributes(state, new Set(options.replace.map(normalizeAddress))) })
    const resource = loaded.config?.resources.find((r) => r.address === change.address)
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
  const tags = { ...userTags, [TAG.address]: change.address, [TAG.lineage]: state.lineage, [TAG.specHash]: hash }
  return { request: { ...request, [nameMember]: name, Tags: tagList(tags) } }
}


/** Outputs are evaluated against the final state, so names and ARNs of new jobs appear in `sageform output`. */
async function recordOutputs(state: State, options: ApplyOptions, backend: StateBackend, diags: Diagnostics): Promise<void> {
  const loaded = await loadConfiguration({ ...options, resourceAttributes: referenceAttributes(state, new Set()) })
  if (!loaded.config) return
  const outputs: NonNullable<State['outputs']> = {}
  for (const [name, output] of loaded.config.outputs) {
    if (findUnknown(output.value)) continue
    outputs[name] = { value: JSON.parse(JSON.stringify(output.value)) as JsonValue, ...(output.sensitive ? { sensitive: true } : {}) }
  }
  if (JSON.stringify(outputs) === JSON.stringify(state.outputs ?? {})) return
  try {
    await backend.write({ ...state, serial: state.serial + 1, outputs })
  } catch (error) {
    diags.warning('Outputs not recorded', { detail: (error as Error).message })
  }
}

/** Every job a state knows, current and earlier generations, for destroy --delete. */
function jobsOf(state: State): JobToDelete[] {
  return Object.entries(state.resources).flatMap(([address, r]) => [...r.history, ...(r.current ? [r.current] : [])].map((job) => ({ address, type: r.type, name: job.name })))
}

/**
 * After destroy, entries left with only history are forgotten too; an entry whose job could not be stopped keeps its
 * current job, so nothing still running drops out of state.
 */
async function forgetFinished(state: State, backend: StateBackend): Promise<void> {
  const resources = Object.fromEntries(Object.entries(state.resources).filter(([, r]) => r.current))
  if (Object.keys(resources).length === Object.keys(state.resources).length && !state.outputs) return
  await backend.write({ ...state, serial: state.serial + 1, resources, outputs: {} })
}

/**
 * When a state write failed mid-apply, the engine still returns what it did; like Terraform's errored.tfstate, that
 * state goes to a file of its own so no job is lost from sageform's sight.
 */
async function keepUnsavedState(result: ApplyResult, dir: string, location: string, diags: Diagnostics): Promise<void> {
  if (!result.errors.some((d) => d.summary.startsWith('Failed to save the state'))) return
  const path = join(dir, 'errored.sageform.state.json')
  await writeFile(path, JSON.stringify(result.state, null, 2) + '\n')
  diags.error('State saved to errored.sageform.state.json', {
    detail: `The state at ${location} could not be written, so the state after this apply was saved to ${path}.`,
    hint: `Fix the cause (disk full, permissions, network), then replace ${location} with it, keeping the old one.`,
  })
}
