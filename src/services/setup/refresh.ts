// Reads what exists remotely for the jobs sageform manages: one Search per job type, filtered by the state's lineage
// tag (100 records a page, cut to the members read here: see searchByTag), so a refresh of N jobs costs about
// ceil(N/100) calls, not N. Only jobs Search did not return (it is eventually consistent) are looked up one by one.
import { jobFamily, type JobFamily, type ResourceType } from '../../config/module.js'
import type { Diagnostic } from '../../diagnostics/index.js'
import { pendingJobs, remoteKey, type RemoteSnapshot } from '../../planner/planner.js'
import { TAG, type RemoteJob } from '../../model/kinds.js'
import { isSageMakerError, tagRecord, type RefreshApi, type SageMakerError, type SearchRecord } from '../../sagemaker/types.js'
import type { State } from '../../model/state.js'
import { mapLimit } from '../../util/pool.js'
import { jobReads } from '../../sagemaker/jobs.js'
import { JOB_KINDS } from '../../model/kinds.js'
import { describedRequest } from '../../planner/imports.js'
import type { TagSearch } from '../../sagemaker/worker-client.js'

const SEARCH_RESOURCE: Record<JobFamily, 'TrainingJob' | 'HyperParameterTuningJob'> = {
  training: 'TrainingJob',
  tuning: 'HyperParameterTuningJob',
}

export interface RefreshOptions {
  api: RefreshApi
  state: State
  /** Types the configuration declares, searched even when state has none of them (to find orphans of a crash). */
  types: ReadonlySet<ResourceType>
  parallelism: number
}

const iso = (d: Date | undefined) => d?.toISOString()

export function remoteFromSearch(record: SearchRecord): RemoteJob | undefined {
  const t = record.TrainingJob
  // SageMaker copies a tuning job's tags onto the training jobs it launches; those children are not ours to manage.
  if (t?.TrainingJobName && t.TrainingJobArn && !t.TuningJobArn) {
    return {
      type: 'sagemaker_training_job',
      name: t.TrainingJobName,
      arn: t.TrainingJobArn,
      status: t.TrainingJobStatus ?? 'InProgress',
      secondary_status: t.SecondaryStatus,
      failure_reason: t.FailureReason,
      tags: tagRecord(t.Tags),
      created_at: iso(t.CreationTime),
      ended_at: iso(t.TrainingEndTime),
    }
  }
  const h = record.HyperParameterTuningJob
  if (h?.HyperParameterTuningJobName && h.HyperParameterTuningJobArn) {
    return {
      type: 'sagemaker_hyperparameter_tuning_job',
      name: h.HyperParameterTuningJobName,
      arn: h.HyperParameterTuningJobArn,
      status: h.HyperParameterTuningJobStatus ?? 'InProgress',
      failure_reason: h.FailureReason,
      tags: tagRecord(h.Tags),
      created_at: iso(h.CreationTime),
      ended_at: iso(h.HyperParameterTuningEndTime),
    }
  }
  return undefined
}

/** Search was refused: the refresh described each job in state instead. */
export interface SearchRefused {
  code: string
  /** Describe calls it cost: one per job in state that may still change. */
  described: number
}

/** The current jobs and every job that may still run outside them (deposed): refresh must see each of them. */
function trackedJobs(state: State): Array<{ type: ResourceType; name: string }> {
  return Object.values(state.resources).flatMap((r) => [...(r.current ? [r.current] : []), ...pendingJobs(r)].map((job) => ({ type: r.type, name: job.name })))
}

/**
 * The Search calls of refresh, by lineage tag: one per Search resource the job types of the state or of `types` (the
 * configuration's) run as. Native and provider spellings of one kind of job share it (a configuration moving between
 * them has both).
 */
export function refreshSearches(state: State, types: Iterable<ResourceType>): TagSearch[] {
  const resources = new Set([...trackedJobs(state).map((job) => job.type), ...types].map((type) => SEARCH_RESOURCE[jobFamily(type)]))
  return [...resources].sort().map((resource) => ({ resource, key: TAG.lineage, value: state.lineage }))
}

export async function refresh(options: RefreshOptions): Promise<RemoteSnapshot & { searchRefused?: SearchRefused }> {
  const { api, state } = options
  const jobs = new Map<string, RemoteJob>()
  const tracked = trackedJobs(state)
  let pages: SearchRecord[][]
  try {
    pages = await Promise.all(refreshSearches(state, options.types).map((s) => api.searchByTag(s.resource, s.key, s.value)))
  } catch (error) {
    if (!isSearchRefused(error)) throw error
    // Least-privilege roles often lack sagemaker:Search, and some implementations cannot search tuning jobs: one
    // Describe per job in state still gives every status the plan needs (tags, and jobs a dead apply left unrecorded,
    // need Search).
    const described = await mapLimit(tracked, options.parallelism, ({ type, name }) => describeStatus(api, type, name))
    for (const job of described) if (job) jobs.set(remoteKey(job.type, job.name), job)
    return { jobs, searchRefused: { code: error.code, described: tracked.length } }
  }
  for (const record of pages.flat()) {
    const job = remoteFromSearch(record)
    if (job) jobs.set(remoteKey(job.type, job.name), job)
  }
  const unseen = tracked.filter(({ type, name }) => !jobs.has(remoteKey(type, name)))
  const described = await mapLimit(unseen, options.parallelism, ({ type, name }) => describe(api, type, name))
  for (const job of described) if (job) jobs.set(remoteKey(job.type, job.name), job)
  return { jobs }
}

/** The jobs import blocks name, each with its Create request (from Describe); a name SageMaker lacks is left out. */
export async function describeImports(api: RefreshApi, jobs: ReadonlyArray<{ type: ResourceType; name: string }>, parallelism: number): Promise<RemoteJob[]> {
  const found = await mapLimit(jobs, parallelism, async ({ type, name }) => {
    const job = await describe(api, type, name)
    if (!job) return undefined
    const kind = JOB_KINDS[type]
    const described = await jobReads(api, type).describeRaw(name)
    return { ...job, request: describedRequest(kind.requestShape, kind.nameMember, described.found ? described.job : undefined) }
  })
  return found.filter((job) => job !== undefined)
}

/** AccessDenied (no sagemaker:Search), or a ValidationException on the resource type (an implementation without it). */
function isSearchRefused(error: unknown): error is SageMakerError {
  return isSageMakerError(error) && (error.code === 'AccessDeniedException' || error.code === 'AccessDenied' || error.code === 'ValidationException')
}

export function searchRefusedWarning(refused: SearchRefused): Diagnostic {
  return {
    severity: 'warning',
    summary: 'SageMaker refused Search: refreshed with one Describe per job',
    detail: `Search answered ${refused.code}, so the refresh described each of the ${refused.described} job${refused.described === 1 ? '' : 's'} in the state one by one (${refused.described} call${refused.described === 1 ? '' : 's'} instead of one per job type). Tags changed outside sageform, and jobs an interrupted apply created but did not record, are not seen without Search.`,
    hint: 'Allow sagemaker:Search on * for this role (see docs/iam.md).',
  }
}

/** One job by name, with its tags; undefined when SageMaker has no such job. */
export async function describe(api: RefreshApi, type: ResourceType, name: string): Promise<(RemoteJob & { tags: Record<string, string> }) | undefined> {
  const job = await describeStatus(api, type, name)
  return job && { ...job, tags: await api.listTags(job.arn) }
}

/** One job by name, without its tags (one call); undefined when SageMaker has no such job. */
async function describeStatus(api: RefreshApi, type: ResourceType, name: string): Promise<RemoteJob | undefined> {
  const live = await jobReads(api, type).describe(name)
  return live?.arn ? { type, ...live } : undefined
}
