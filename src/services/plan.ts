// `sageform plan`: configuration + state + (unless --refresh=false) what SageMaker says → a plan value.
import { normalizeAddress } from '../config/address.js'
import { Diagnostics, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js'
import type { VariableSource } from '../config/variables.js'
import { Unknown, newObject, type ObjectValue, type Value } from '../config/value.js'
import type { JobResource, ProviderSettings } from '../model/types.js'
import type { ResourceType } from '../config/module.js'
import type { Plan } from '../plan/types.js'
import { desiredIdentity, plan as makePlan, remoteKey, type RemoteSnapshot } from '../planner/planner.js'
import { resolveMoves } from '../planner/moves.js'
import type { Refactoring } from '../model/build.js'
import { policyViolations } from '../planner/policy.js'
import { needsQuotaCheck } from '../planner/quota.js'
import { isSageMakerError, isWorkerFailure, type RefreshApi, type SageMakerApi } from '../sagemaker/types.js'
import type { WorkerClient } from '../sagemaker/worker-client.js'
import type { BestTrainingJobRecord, State } from '../model/state.js'
import { loadConfiguration, type LoadedConfiguration } from './setup/configuration.js'
import { describeImports, refresh, refreshSearches, searchRefusedWarning } from './setup/refresh.js'
import { loadState, readStateFrom } from './setup/state.js'
import type { StateBackend } from '../state/backend.js'
import { clientOptions, connect, providerChangesClient, type ConnectionOptions } from './setup/connection.js'
import type { CostOptions } from './setup/cost.js'
import type { QuotaCheckOptions } from './setup/quota.js'

export interface PlanOptions extends ConnectionOptions {
  dir: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  refresh: boolean
  replace: string[]
  parallelism: number
  /** -refresh-only: record what SageMaker says (statuses, best jobs, outputs), create or stop nothing. */
  refreshOnly?: boolean
  /** -target: plan only these resources or instances (and what they need); absent or empty plans everything. */
  targets?: string[]
  /** Plan the removal of everything in state (`sageform destroy`). */
  destroy?: boolean
  /** With destroy: delete every job record from SageMaker too (`destroy --delete`), as one planned delete per record. */
  deleteJobs?: boolean
  /** Show what the new jobs may cost (plan; absent with --no-cost, and for apply): see services/setup/cost.ts. */
  cost?: CostOptions
  /** Check the new jobs against the account's SageMaker quotas (plan; absent with --no-quota-check): see services/setup/quota.ts. */
  quotaCheck?: QuotaCheckOptions
  /**
   * A worker thread for the refresh, started before this service loaded (services/setup/refresh-worker.ts). The plan
   * uses it for a refresh of a state when the provider block keeps its client, and closes it in any case.
   */
  refreshWorker?: Promise<WorkerClient | undefined>
}

/** The `plan --json` payload (schemas/plan.json): the plan, or why there is none. */
export interface PlanResult {
  plan: Plan | null
  diagnostics: Diagnostic[]
}

/**
 * Attributes other resources may reference. The name is known as soon as the spec is (it is derived from it);
 * the ARN and status only when the job exists, that is when state's current job carries the desired name.
 */
export function referenceAttributes(state: State | undefined, replace: ReadonlySet<string>) {
  // The records as the plan will see them, once moved blocks have moved them (computed once, on the first reference).
  let moved: State | undefined
  return (resource: JobResource, refactoring: Refactoring): ObjectValue => {
    moved ??= resolveMoves(refactoring, state).state
    const resourceState = moved?.resources[resource.address]
    const { name } = desiredIdentity(resource, resourceState, replace.has(resource.address))
    const current = resourceState?.current
    const exists = current !== undefined && typeof name === 'string' && current.name === name
    const later = (attr: string) => new Unknown(`${resource.address}.${attr}`)
    return newObject([
      ['name', name],
      ['arn', exists ? current.arn : later('arn')],
      ['status', exists ? current.status : later('status')],
      ['failure_reason', exists ? (current.failure_reason ?? null) : later('failure_reason')],
      ...(resource.kind.family === 'tuning'
        ? [['best_training_job', exists && current.best_training_job ? bestTrainingJobValue(current.best_training_job, current.name) : later('best_training_job')] as [string, Value]]
        : []),
    ])
  }
}

/**
 * A recorded best training job as a reference reads it: hyperparameters a map of string, objective a number, and
 * tuning_job the tuning job that launched it (`owner` itself, or the warm-start parent holding the overall best).
 */
function bestTrainingJobValue(best: BestTrainingJobRecord, owner: string): ObjectValue {
  return newObject([
    ['name', best.name],
    ['hyperparameters', newObject(Object.entries(best.hyperparameters))],
    ['objective', best.objective],
    ['model_artifacts', best.model_artifacts],
    ['tuning_job', best.tuning_job ?? owner],
  ])
}

/** What apply keeps of the planning: the state read, the evaluated configuration and the client, each made once. */
export interface Planned extends PlanResult {
  state?: State
  configuration?: LoadedConfiguration
  api?: SageMakerApi
}

/** `backend`: the state apply has already opened and locked, read here instead of finding it again. */
export async function planService(given: PlanOptions, api?: SageMakerApi, backend?: StateBackend): Promise<Planned> {
  const started = await given.refreshWorker
  try {
    return await planWith(given, started, api, backend)
  } finally {
    started?.close()
  }
}

async function planWith(given: PlanOptions, started: WorkerClient | undefined, api?: SageMakerApi, backend?: StateBackend): Promise<Planned> {
  const diags = new Diagnostics()
  if (given.refreshOnly) {
    // Terraform's rules: a refresh-only plan reads SageMaker, and forces nothing.
    if (!given.refresh) diags.error('Incompatible options', { detail: '-refresh-only and -refresh=false cannot be used together: a refresh-only plan is the refresh.' })
    if (given.replace.length > 0) diags.error('Incompatible options', { detail: '-replace cannot be used with -refresh-only: a refresh-only plan starts no job.' })
    if (given.destroy) diags.error('Incompatible options', { detail: '-refresh-only cannot be used with destroy.' })
    if (diags.hasErrors) return { plan: null, diagnostics: diags.items }
  }
  // Nothing is started by a refresh-only plan: no cost to estimate, no quota to check.
  const options = given.refreshOnly ? { ...given, cost: undefined, quotaCheck: undefined } : given
  const { state, diagnostics: stateDiagnostics } = backend ? await readStateFrom(backend) : await loadState(options.dir)
  diags.append(stateDiagnostics)
  if (diags.hasErrors) return { plan: null, diagnostics: diags.items }
  // The refresh's client is in a worker thread, so that loading the SDK and the Search calls overlap loading the
  // configuration: the searches the state alone calls for start now (tests of the services pass no worker: nock sees
  // only this thread's calls).
  const worker = options.refresh && state && !api ? started : undefined
  if (worker && state) worker.start(clientOptions(options, {}), refreshSearches(state, []))
  // Without it, the AWS SDK's import starts now, so that its file reads overlap parsing; connect() imports the same
  // module and reports any failure.
  if (options.refresh && state && !api && !worker) import('../sagemaker/client.js').catch(() => undefined)
  return planFromState(options, diags, state, api, worker)
}

async function planFromState(options: PlanOptions, diags: Diagnostics, state: State | undefined, api: SageMakerApi | undefined, worker: WorkerClient | undefined): Promise<Planned> {
  const replace = new Set(options.replace.map(normalizeAddress))
  const loaded = await loadConfiguration({ ...options, resourceAttributes: referenceAttributes(state, replace) })
  diags.append(loaded.diagnostics)
  if (diags.hasErrors || !loaded.config) return { plan: null, diagnostics: sortDiagnostics(diags.items) }
  const config = loaded.config
  if (options.destroy) {
    for (const resource of loaded.config.resources) {
      if (resource.lifecycle.preventDestroy && state?.resources[resource.address]?.current) {
        diags.error('Resource has lifecycle.prevent_destroy set', { detail: `destroy would stop and forget ${resource.address}.`, address: resource.address, range: resource.range, hint: 'Remove prevent_destroy first, or remove the resource from state with sageform state rm.' })
      }
    }
    if (diags.hasErrors) return { plan: null, diagnostics: sortDiagnostics(diags.items) }
  }
  // With no state there is nothing sageform manages yet: an empty snapshot is the refreshed truth.
  let remote: RemoteSnapshot | undefined = options.refresh ? { jobs: new Map() } : undefined
  let now = new Date()
  let client = api
  // import blocks whose resource has no job yet name jobs sageform has never seen: those are described too.
  const moved = resolveMoves(config, state).state
  const imports = config.imports.flatMap((t) => {
    const resource = config.resources.find((r) => r.address === t.address)
    return resource && !moved?.resources[t.address]?.current ? [{ type: resource.kind.type, name: t.id }] : []
  })
  if (options.refresh && (state || imports.length > 0)) {
    const types = new Set(config.resources.map((r) => r.kind.type))
    const read = (reader: RefreshApi) => readRemote(reader, state, types, imports, options.parallelism)
    // The worker's client is the one connect() makes unless the provider block changes it. When it is not, or the
    // worker failed, it is dropped and a client of this thread reads everything, as without a worker.
    let found = worker && !providerChangesClient(options, config.provider) ? await read(worker).catch((error: unknown) => (isWorkerFailure(error) ? undefined : Promise.reject(error))) : undefined
    worker?.close()
    if (!found) {
      client ??= await connect(options, config.provider, diags)
      if (!client) return { plan: null, diagnostics: diags.items }
      found = await read(client)
    }
    diags.append(found.diagnostics)
    if (!found.remote) return { plan: null, diagnostics: diags.items }
    remote = found.remote
    now = found.now
  }
  const result = makePlan({ config, state, remote, replace, configHash: loaded.fingerprint!, now, destroy: options.destroy, deleteJobs: options.deleteJobs, targets: options.targets, refreshOnly: options.refreshOnly })
  diags.append(result.diagnostics)
  const costed = options.cost && !options.destroy && !diags.hasErrors ? await withCostEstimate(result, options, config.provider, diags) : result
  // The policy's limits fail the plan (and so apply); a limit that cannot be checked is a warning.
  if (!options.destroy && !diags.hasErrors) diags.append(policyViolations(config.policy, costed, { costEstimated: options.cost !== undefined }))
  // Quotas are read from the account: only for a plan that could otherwise be applied, and that starts jobs.
  const quotaCheck = options.quotaCheck && !options.destroy && !diags.hasErrors
  if (quotaCheck && options.refresh && !client && needsQuotaCheck(costed)) client = await connect(options, config.provider, diags)
  const checked = quotaCheck && !diags.hasErrors ? await withQuotas(costed, options, config.provider, client, diags) : costed
  return { plan: { ...checked, configuration: loaded.snapshot, diagnostics: sortDiagnostics(diags.items) }, diagnostics: sortDiagnostics(diags.items), state, configuration: loaded, api: client }
}

/**
 * What SageMaker says of the jobs in state and of those import blocks name, on SageMaker's clock; without `remote` when
 * a call failed (the diagnostics say why). Anything but a SageMakerError (the worker's WorkerFailure) is thrown.
 */
async function readRemote(reader: RefreshApi, state: State | undefined, types: ReadonlySet<ResourceType>, imports: ReadonlyArray<{ type: ResourceType; name: string }>, parallelism: number): Promise<{ remote: RemoteSnapshot; now: Date; diagnostics: Diagnostic[] } | { remote?: undefined; diagnostics: Diagnostic[] }> {
  const diags = new Diagnostics()
  try {
    let remote: RemoteSnapshot = { jobs: new Map() }
    if (state) {
      const refreshed = await refresh({ api: reader, state, types, parallelism })
      if (refreshed.searchRefused) diags.add(searchRefusedWarning(refreshed.searchRefused))
      remote = refreshed
    }
    for (const job of await describeImports(reader, imports, parallelism)) remote.jobs.set(remoteKey(job.type, job.name), job)
    return { remote, now: reader.serviceTime(), diagnostics: diags.items }
  } catch (error) {
    if (!isSageMakerError(error)) throw error
    diags.error('Cannot read jobs from SageMaker', { detail: `${error.code}: ${error.message}`, hint: error.retryable ? 'This may pass if you try again.' : 'Plan from the state file alone with --refresh=false.' })
    return { diagnostics: diags.items }
  }
}

/** The plan with its cost; prices never fail a plan (an unexpected failure leaves it without cost, and says so). */
async function withCostEstimate(plan: Plan, options: PlanOptions, provider: ProviderSettings, diags: Diagnostics): Promise<Plan> {
  try {
    const { estimateCost } = await import('./setup/cost.js')
    return await estimateCost(plan, { dir: options.dir, env: options.env, region: options.region, profile: options.profile, provider }, options.cost!, diags)
  } catch (error) {
    diags.warning('Cannot estimate the cost', { detail: (error as Error).message })
    return plan
  }
}

/** The plan with its quota check; like prices, an unexpected failure leaves it unchecked, and says so. */
async function withQuotas(plan: Plan, options: PlanOptions, provider: ProviderSettings, api: SageMakerApi | undefined, diags: Diagnostics): Promise<Plan> {
  const { withQuotaCheck } = await import('./setup/quota.js')
  return withQuotaCheck(plan, { env: options.env, region: options.region, profile: options.profile, provider }, api, options.quotaCheck!, diags)
}
