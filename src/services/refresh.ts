// Reads what exists remotely for the jobs sageform manages: one Search per job type, filtered by the state's lineage
// tag (100 full records a page), so a refresh of N jobs costs about ceil(N/100) calls, not N. Only jobs Search did not
// return (it is eventually consistent) are looked up one by one.
import { jobFamily, type JobFamily, type ResourceType } from '../config/module.js'
import { remoteKey, TAG, type RemoteJob, type RemoteSnapshot } from '../planner/planner.js'
import type { SageMakerApi, SearchRecord } from '../sagemaker/types.js'
import { tagRecord } from '../sagemaker/types.js'
import type { State } from '../state/types.js'
import { mapLimit } from '../util/pool.js'
import { jobOps } from '../apply/jobs.js'
import { JOB_KINDS } from '../model/types.js'
import { describedRequest } from '../planner/imports.js'

const SEARCH_RESOURCE: Record<JobFamily, 'TrainingJob' | 'HyperParameterTuningJob'> = {
  training: 'TrainingJob',
  tuning: 'HyperParameterTuningJob',
}

export interface RefreshOptions {
  api: SageMakerApi
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

export async function refresh(options: RefreshOptions): Promise<RemoteSnapshot> {
  const { api, state } = options
  const jobs = new Map<string, RemoteJob>()
  const stateTypes = new Set(Object.values(state.resources).filter((r) => r.current).map((r) => r.type))
  const types = [...new Set([...stateTypes, ...options.types])].sort()
  const pages = await Promise.all(types.map((type) => api.searchByTag(SEARCH_RESOURCE[jobFamily(type)], TAG.lineage, state.lineage)))
  for (const record of pages.flat()) {
    const job = remoteFromSearch(record)
    if (job) jobs.set(remoteKey(job.type, job.name), job)
  }
  const unseen = Object.values(state.resources).flatMap((r) => (r.current && !jobs.has(remoteKey(r.type, r.current.name)) ? [{ type: r.type, name: r.current.name }] : []))
  const described = await mapLimit(unseen, options.parallelism, ({ type, name }) => describe(api, type, name))
  for (const job of described) if (job) jobs.set(remoteKey(job.type, job.name), job)
  return { jobs }
}

/** The jobs import blocks name, each with its Create request (from Describe); a name SageMaker lacks is left out. */
export async function describeImports(api: SageMakerApi, jobs: ReadonlyArray<{ type: ResourceType; name: string }>, parallelism: number): Promise<RemoteJob[]> {
  const found = await mapLimit(jobs, parallelism, async ({ type, name }) => {
    const job = await describe(api, type, name)
    if (!job) return undefined
    const kind = JOB_KINDS[type]
    const described = kind.family === 'training' ? await api.describeTrainingJob(name) : await api.describeTuningJob(name)
    return { ...job, request: describedRequest(kind.requestShape, kind.nameMember, described.found ? described.job : undefined) }
  })
  return found.filter((job) => job !== undefined)
}

/** One job by name, with its tags; undefined when SageMaker has no such job. */
export async function describe(api: SageMakerApi, type: ResourceType, name: string): Promise<RemoteJob | undefined> {
  const live = await jobOps(api, type).describe(name)
  if (!live?.arn) return undefined
  return { type, ...live, tags: await api.listTags(live.arn) }
}
