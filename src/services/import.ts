// `sageform import ADDRESS JOB_NAME`: adopt an existing SageMaker job as a resource's current job. The job's request is
// read back from Describe, so the next plan either finds it identical to the configuration (no-op) or shows exactly
// what differs (a replacement). `--from-terraform-state` does the same for every job a Terraform state holds.
import { addressFromTag, normalizeAddress } from '../config/address.js'
import { readFile } from 'node:fs/promises'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { findUnknown } from '../config/value.js'
import type { Configuration, JobResource } from '../model/types.js'
import { specHash, toJson } from '../planner/identity.js'
import { describedRequest, importedSpecHash, sameRequest, tuningChildRefusal } from '../planner/imports.js'
import type { SageMakerApi } from '../sagemaker/types.js'
import { jobOps } from '../sagemaker/jobs.js'
import type { StateBackend } from '../state/backend.js'
import { newState, StateWriteRefused } from '../state/store.js'
import { terraformStateJobs } from '../state/terraform.js'
import type { JobRecord, State } from '../model/state.js'
import { loadConfiguration } from './setup/configuration.js'
import { connect, type ConnectionOptions } from './setup/connection.js'
import { referenceAttributes } from './plan.js'
import { describe, remoteFromSearch } from './setup/refresh.js'
import { TAG, userTags } from '../model/kinds.js'
import { movedAddress } from '../planner/moves.js'
import { lockState, openState, readStateFrom } from './setup/state.js'
import type { VariableSource } from '../config/variables.js'

export interface ImportOptions extends ConnectionOptions {
  dir: string
  address: string
  jobName: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  lockTimeoutMs: number
}

/** The `import --json` payload (schemas/import.json). */
export interface ImportResult {
  imported: boolean
  address: string
  job?: JobRecord
  /** True when the job's request equals the configuration's (the next plan is a no-op). */
  matches_configuration?: boolean
  diagnostics: Diagnostic[]
}

export async function importJob(given: ImportOptions, api?: SageMakerApi): Promise<ImportResult> {
  const options = { ...given, address: normalizeAddress(given.address) }
  const diags = new Diagnostics()
  const adopted = await underImportLock(options, api, 'import', diags, async (context) => {
    const outcome = await adoptJob(context, options.address, options.jobName)
    if ('problem' in outcome) return diags.error(outcome.problem.summary, outcome.problem)
    await context.backend.write(withAdopted(context.state, [outcome]))
    return outcome
  })
  return { imported: adopted !== undefined, address: options.address, ...(adopted && { job: adopted.job, matches_configuration: adopted.matches }), diagnostics: diags.items }
}

export interface TerraformImportOptions extends Omit<ImportOptions, 'address' | 'jobName'> {
  /** The Terraform state file (format version 4). */
  statePath: string
  /** Check and report, but write nothing. */
  dryRun: boolean
}

/** One job of the Terraform state, in the `import --from-terraform-state --json` payload. */
export interface TerraformImportEntry {
  address: string
  /** The address the job was found under (the Terraform state's, or its sageform:address tag) when a moved block moves it. */
  moved_from?: string
  job_name: string | null
  action: 'adopted' | 'would_adopt' | 'skipped'
  /** Why it was skipped. */
  reason?: string
  matches_configuration?: boolean
}

/** The `import --from-terraform-state --json` payload (schemas/import.json). */
export interface TerraformImportResult {
  from_terraform_state: string
  dry_run: boolean
  resources: TerraformImportEntry[]
  /** Managed resources of other types in the Terraform state, left to Terraform. */
  ignored_resources: number
  /** The serial written; null when nothing was written. */
  serial: number | null
  diagnostics: Diagnostic[]
}

/**
 * Adopts every job of the provider's two SageMaker resources in a Terraform state under the same address, each checked
 * with Describe first, all under one lock and in one state write. What cannot be adopted is skipped with the reason.
 */
export async function importFromTerraformState(options: TerraformImportOptions, api?: SageMakerApi): Promise<TerraformImportResult> {
  const diags = new Diagnostics()
  const result: TerraformImportResult = { from_terraform_state: options.statePath, dry_run: options.dryRun, resources: [], ignored_resources: 0, serial: null, diagnostics: diags.items }
  let text: string
  try {
    text = await readFile(options.statePath, 'utf8')
  } catch (error) {
    diags.error('Cannot read the Terraform state', { detail: `${options.statePath}: ${(error as NodeJS.ErrnoException).message}`, hint: 'Pass the terraform.tfstate file, or save the output of terraform state pull.' })
    return result
  }
  const found = terraformStateJobs(options.statePath, text)
  diags.append(found.diagnostics)
  result.ignored_resources = found.ignored
  if (diags.hasErrors) return result
  await underImportLock(options, api, 'import', diags, (context) => adoptAll(context, found.jobs, options.dryRun, result))
  return result
}

export interface LineageImportOptions extends Omit<ImportOptions, 'address' | 'jobName'> {
  /** The lineage (state id) whose jobs are adopted: a lost or replaced state file's. */
  lineage: string
  dryRun: boolean
}

/** The `import --lineage --json` payload (schemas/import.json). */
export interface LineageImportResult {
  from_lineage: string
  dry_run: boolean
  resources: TerraformImportEntry[]
  serial: number | null
  diagnostics: Diagnostic[]
}

/**
 * Adopts every job tagged with another state's lineage (a state file lost or replaced) whose address the configuration
 * declares: one Search per job type on the lineage tag, then each job checked with Describe, all under one lock and in
 * one state write. Of several jobs of one address (generations), the newest is adopted.
 */
export async function importByLineage(options: LineageImportOptions, api?: SageMakerApi): Promise<LineageImportResult> {
  const diags = new Diagnostics()
  const result: LineageImportResult = { from_lineage: options.lineage, dry_run: options.dryRun, resources: [], serial: null, diagnostics: diags.items }
  await underImportLock(options, api, 'import', diags, async (context) => {
    if (options.lineage === context.state.lineage) {
      diags.error('Nothing to import', { detail: `${options.lineage} is the lineage of this configuration's own state: its jobs are already managed here.`, hint: 'Pass the lineage of the state that was lost (a job\'s sageform:lineage tag).' })
      return
    }
    const records = (await Promise.all((['TrainingJob', 'HyperParameterTuningJob'] as const).map((resource) => context.client.searchByTag(resource, TAG.lineage, options.lineage)))).flat()
    const jobs = records.flatMap((record) => remoteFromSearch(record) ?? []).sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? ''))
    const newest = new Map<string, string>()
    const entries = jobs.map((job) => {
      const tagged = job.tags?.[TAG.address]
      const address = tagged && addressFromTag(tagged)
      if (!address) return { address: '(none)', jobName: job.name, skip: 'it has no sageform:address tag.' }
      const first = newest.get(address)
      if (first) return { address, jobName: job.name, skip: `an earlier job of ${address}; the newest, ${first}, is the one adopted.` }
      newest.set(address, job.name)
      return { address, jobName: job.name }
    })
    if (entries.length === 0) diags.warning('No jobs found', { detail: `SageMaker has no training or tuning job tagged ${TAG.lineage} = ${options.lineage}.`, hint: 'Check the lineage and the region.' })
    await adoptAll(context, entries, options.dryRun, result)
  })
  return result
}

/** Adopts each entry that can be, reporting the others with the reason, and writes the state once. */
async function adoptAll(context: ImportContext, entries: ReadonlyArray<{ address: string; jobName?: string; skip?: string }>, dryRun: boolean, result: { resources: TerraformImportEntry[]; serial: number | null }): Promise<void> {
  const adopted: Adopted[] = []
  for (const entry of entries) {
    const skipped = (reason: string) => result.resources.push({ address: entry.address, job_name: entry.jobName ?? null, action: 'skipped', reason })
    if (entry.skip || !entry.jobName) {
      skipped(`Not imported: ${entry.skip}`)
      continue
    }
    // A Terraform state's provider address, or an address moved since the job was tagged, lands where moved blocks say.
    const address = movedAddress(context.config, entry.address)
    const movedFrom = address === entry.address ? {} : { moved_from: entry.address }
    const done = await adoptJob(context, address, entry.jobName)
    if ('problem' in done) {
      skipped(`${done.problem.summary}: ${done.problem.detail}${done.problem.hint ? ` ${done.problem.hint}` : ''}`)
      continue
    }
    adopted.push(done)
    result.resources.push({ address, ...movedFrom, job_name: entry.jobName, action: dryRun ? 'would_adopt' : 'adopted', matches_configuration: done.matches })
  }
  if (dryRun || adopted.length === 0) return
  const next = withAdopted(context.state, adopted)
  await context.backend.write(next)
  result.serial = next.serial
}

interface ImportContext {
  backend: StateBackend
  state: State
  config: Configuration
  client: SageMakerApi
}

/** Everything an import needs, read under the state lock, which `run` holds until it returns. */
async function underImportLock<T>(
  options: Omit<ImportOptions, 'address' | 'jobName'>,
  api: SageMakerApi | undefined,
  operation: string,
  diags: Diagnostics,
  run: (context: ImportContext) => Promise<T | undefined>,
): Promise<T | undefined> {
  const { backend, diagnostics } = await openState(options.dir)
  diags.append(diagnostics)
  if (!backend) return undefined
  const lock = await lockState(backend, options.lockTimeoutMs, operation, diags)
  if (!lock) return undefined
  try {
    const loadedState = await readStateFrom(backend)
    diags.append(loadedState.diagnostics)
    if (diags.hasErrors) return undefined
    const state = loadedState.state ?? newState()
    const loaded = await loadConfiguration({ ...options, resourceAttributes: referenceAttributes(state, new Set()) })
    diags.append(loaded.diagnostics.filter((d) => d.severity === 'error'))
    if (!loaded.config || diags.hasErrors) return undefined
    const client = api ?? (await connect(options, loaded.config.provider, diags))
    if (!client) return undefined
    return await run({ backend, state, config: loaded.config, client })
  } catch (error) {
    if (!(error instanceof StateWriteRefused)) throw error
    diags.error('The state was not changed', { detail: error.message, hint: 'Nothing was imported; fix the state file and import again.' })
    return undefined
  } finally {
    await lock.release()
  }
}

type Problem = Omit<Diagnostic, 'severity'>
interface Adopted {
  address: string
  resource: JobResource
  job: JobRecord
  matches: boolean
}

/** Reads one existing job back from SageMaker as the current job of `address`; writes nothing. */
async function adoptJob({ state, config, client }: ImportContext, address: string, jobName: string): Promise<Adopted | { problem: Problem }> {
  const resource = config.resources.find((r) => r.address === address)
  if (!resource) return { problem: { summary: 'Resource not in the configuration', detail: `${address} is not declared, so there is nothing to import into.`, hint: 'Add its resource block first (sageform convert prints it from a Terraform file), then import.' } }
  if (state.resources[address]?.current) {
    return { problem: { summary: 'Resource already managed', detail: `${address} already has job ${state.resources[address]!.current!.name}.`, hint: `Forget it first with sageform state rm ${address}.` } }
  }
  const live = await describe(client, resource.kind.type, jobName)
  if (!live) return { problem: { summary: 'No such job', detail: `SageMaker has no ${resource.kind.noun} named "${jobName}".` } }
  if (live.tuning_job_arn) return { problem: tuningChildRefusal(jobName, live.tuning_job_arn) }
  const raw = await jobOps(client, resource.kind.type).describeRaw(jobName)
  const request = describedRequest(resource.kind.requestShape, resource.kind.nameMember, raw.found ? raw.job : undefined)
  const hash = specHash(resource, 1)
  const matches = typeof hash === 'string' && !findUnknown(resource.request as never) && sameRequest(resource.kind.requestShape, toJson(resource.request), request)
  const now = new Date().toISOString()
  const job: JobRecord = {
    name: live.name,
    arn: live.arn,
    spec_hash: importedSpecHash(matches, typeof hash === 'string' ? hash : null, request),
    status: live.status,
    created_at: live.created_at ?? now,
    updated_at: now,
    generation: 1,
    request,
    tags: userTags(live.tags),
    ...(live.ended_at ? { ended_at: live.ended_at } : {}),
    ...(live.failure_reason ? { failure_reason: live.failure_reason } : {}),
  }
  return { address, resource, job, matches }
}

function withAdopted(state: State, adopted: Adopted[]): State {
  const resources = { ...state.resources }
  for (const { address, resource, job } of adopted) resources[address] = { type: resource.kind.type, current: job, history: state.resources[address]?.history ?? [] }
  return { ...state, serial: state.serial + 1, resources }
}
