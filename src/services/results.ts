// `sageform results ADDRESS`: a tuning job's training jobs, ranked by the objective, for a person (table and chart, see
// src/ui/results.ts) or a notebook (--json, --csv). Reads the state for the job name, then SageMaker:
// DescribeHyperParameterTuningJob (objective, best job) and ListTrainingJobsForHyperParameterTuningJob, every page.
import { normalizeAddress } from '../config/address.js'
import { Diagnostics, didYouMean, type Diagnostic } from '../diagnostics/index.js'
import type { VariableSource } from '../config/variables.js'
import { isSageMakerError, type DescribeHyperParameterTuningJobResponse, type HyperParameterTrainingJobSummary, type SageMakerApi } from '../sagemaker/types.js'
import type { JobRecord } from '../model/state.js'
import { providerSettings } from './setup/configuration.js'
import { connect, type ConnectionOptions } from './setup/connection.js'
import { loadState, notInState } from './setup/state.js'
import { jobFamily } from '../config/module.js'
import { objectiveOf, rankTrainingJobs, type Objective, type TrainingJobResult } from '../watch/ranking.js'

export interface ResultsOptions extends ConnectionOptions {
  dir: string
  address: string
  /** A job of the resource other than its current one: an earlier generation, from its history. */
  job?: string
  /** Compare the resource's generations instead: each one's best training job (results.generations). */
  generations?: boolean
  /** For the provider block (region, profile, endpoint); the rest of the configuration does not matter here. */
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
}

export interface TuningJobInfo {
  name: string
  arn: string
  status: string
  strategy: string | null
  objective: Objective
  best_training_job: string | null
  /**
   * OverallBestTrainingJob, which SageMaker returns for an IdenticalDataAndAlgorithm warm start: the best of its own and
   * its parents' training jobs. Null otherwise.
   */
  overall_best_training_job: OverallBest | null
  /** Whether this is the resource's current job (false with --job for an earlier generation). */
  current: boolean
  generation: number | null
}

/** A warm start's best training job across its parents: which tuning job (and generation of the resource) launched it. */
export interface OverallBest {
  name: string
  tuning_job: string | null
  /** The generation of this resource that tuning job is; null for a parent outside the resource. */
  generation: number | null
  objective: number | null
}

/** `results --generations`: one row per job the resource has had, oldest generation first. */
export interface GenerationResult {
  generation: number | null
  name: string
  status: string
  current: boolean
  /** Deleted by keep_generations: what the state recorded, SageMaker having nothing more to say. */
  deleted: boolean
  /** The generation's own best (BestTrainingJob), or as recorded. */
  best_training_job: string | null
  objective: number | null
  overall_best_training_job: OverallBest | null
}

/** The `results --json` payload (schemas/results.json). */
export interface ResultsResult {
  format_version: '1.0'
  address: string
  /** Null when there is nothing to show (see diagnostics). */
  tuning_job: TuningJobInfo | null
  /** The tuned hyperparameters' names, sorted: the columns of the table and the CSV. */
  hyperparameters: string[]
  /** Ranked: best objective first, jobs without a final objective last (in launch order). */
  training_jobs: TrainingJobResult[]
  /** With --generations: every generation's best, oldest first. */
  generations?: GenerationResult[]
  diagnostics: Diagnostic[]
}

const TUNING = 'sagemaker_hyperparameter_tuning_job'

export async function results(given: ResultsOptions, api?: SageMakerApi): Promise<ResultsResult> {
  const options = { ...given, address: normalizeAddress(given.address) }
  const diags = new Diagnostics()
  const empty = (): ResultsResult => ({ format_version: '1.0', address: options.address, tuning_job: null, hyperparameters: [], training_jobs: [], diagnostics: diags.items })
  const { state, diagnostics } = await loadState(options.dir)
  diags.append(diagnostics)
  if (diags.hasErrors) return empty()
  const resource = state?.resources[options.address]
  if (!resource) {
    diags.add(notInState(options.address, Object.keys(state?.resources ?? {}), state !== undefined))
    return empty()
  }
  if (jobFamily(resource.type) !== 'tuning') {
    diags.error('Not a tuning job', { detail: `${options.address} is a ${resource.type}; results ranks the training jobs of a ${TUNING}.`, address: options.address })
    return empty()
  }
  const record = chooseJob(options, resource.current, resource.history, diags)
  if (!record) return empty()

  const client = api ?? (await connect(options, await providerSettings(options), diags))
  if (!client) return empty()
  const records = [...resource.history, ...(resource.current ? [resource.current] : [])]
  const overallOf = (described: DescribeHyperParameterTuningJobResponse): OverallBest | null => {
    const overall = described.OverallBestTrainingJob
    if (!overall?.TrainingJobName) return null
    const holder = overall.TuningJobName ?? null
    const held = records.find((r) => r.name === holder)
    const generation = held ? (held.generation ?? 1) : null
    return { name: overall.TrainingJobName, tuning_job: holder, generation, objective: overall.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? null }
  }
  let generations: GenerationResult[] | undefined
  if (options.generations) {
    try {
      generations = await compareGenerations(client, records, resource.current, overallOf)
    } catch (error) {
      if (!isSageMakerError(error)) throw error
      diags.error('Cannot read the tuning jobs from SageMaker', { detail: `${error.code}: ${error.message}`, address: options.address })
      return empty()
    }
  }
  let described: DescribeHyperParameterTuningJobResponse
  let summaries: HyperParameterTrainingJobSummary[]
  try {
    const found = await client.describeTuningJob(record.name)
    if (!found.found) {
      diags.error('Tuning job not found', { detail: `SageMaker has no tuning job ${record.name} (recorded for ${options.address}).`, address: options.address, hint: 'It may have been deleted; sageform plan shows what the state no longer matches.' })
      return empty()
    }
    described = found.job
    summaries = await client.listTrainingJobsForTuningJob(record.name)
  } catch (error) {
    if (!isSageMakerError(error)) throw error
    diags.error('Cannot read the tuning job from SageMaker', { detail: `${error.code}: ${error.message}`, address: options.address, ...(error.retryable ? { hint: 'This may pass if you try again.' } : {}) })
    return empty()
  }
  const objective = objectiveOf(described, summaries)
  const best = described.BestTrainingJob?.TrainingJobName ?? null
  const ranked = rankTrainingJobs(summaries, objective.type, best ?? undefined)
  return {
    format_version: '1.0',
    address: options.address,
    tuning_job: {
      name: described.HyperParameterTuningJobName ?? record.name,
      arn: described.HyperParameterTuningJobArn ?? record.arn,
      status: described.HyperParameterTuningJobStatus ?? record.status,
      strategy: described.HyperParameterTuningJobConfig?.Strategy ?? null,
      objective,
      best_training_job: best,
      overall_best_training_job: overallOf(described),
      current: record === resource.current,
      generation: record.generation ?? null,
    },
    hyperparameters: [...new Set(ranked.flatMap((j) => Object.keys(j.hyperparameters)))].sort(),
    training_jobs: ranked,
    ...(generations ? { generations } : {}),
    diagnostics: diags.items,
  }
}

/** Each generation's best, from SageMaker (one Describe each), or as recorded once SageMaker no longer has the job. */
async function compareGenerations(api: SageMakerApi, records: JobRecord[], current: JobRecord | undefined, overallOf: (d: DescribeHyperParameterTuningJobResponse) => OverallBest | null): Promise<GenerationResult[]> {
  const rows = await Promise.all(
    records.map(async (record): Promise<GenerationResult> => {
      const found = record.deleted_at ? undefined : await api.describeTuningJob(record.name)
      const described = found?.found ? found.job : undefined
      const recorded = record.best_training_job
      const own = described?.BestTrainingJob
      return {
        generation: record.generation ?? null,
        name: record.name,
        status: described?.HyperParameterTuningJobStatus ?? record.status,
        current: record === current,
        deleted: record.deleted_at !== undefined,
        best_training_job: own?.TrainingJobName ?? (recorded && !recorded.tuning_job ? recorded.name : null),
        objective: own ? (own.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? null) : recorded && !recorded.tuning_job ? recorded.objective : null,
        overall_best_training_job: described ? overallOf(described) : null,
      }
    }),
  )
  return rows.sort((a, b) => (a.generation ?? 0) - (b.generation ?? 0))
}

/** The job to show: --job from the resource's jobs (current or history), else the current one. */
function chooseJob(options: ResultsOptions, current: JobRecord | undefined, history: JobRecord[], diags: Diagnostics): JobRecord | undefined {
  const all = [...(current ? [current] : []), ...[...history].reverse()]
  if (options.job !== undefined) {
    const found = all.find((j) => j.name === options.job)
    if (!found) {
      const suggestion = didYouMean(options.job, all.map((j) => j.name))
      diags.error('Job not recorded for this resource', {
        detail: `${options.job} is not a job of ${options.address}${all.length > 0 ? `; its jobs are ${all.map((j) => j.name).join(', ')}` : ''}.`,
        address: options.address,
        hint: suggestion ? `Did you mean ${suggestion}?` : `See them with: sageform state show ${options.address}`,
      })
    }
    return found
  }
  if (!current) {
    diags.error('No current job', {
      detail: `${options.address} has no current tuning job${history.length > 0 ? `; its earlier jobs are ${[...history].reverse().map((j) => j.name).join(', ')}` : ''}.`,
      address: options.address,
      ...(history.length > 0 ? { hint: `Show an earlier one with --job, e.g. --job ${history[history.length - 1]!.name}` } : {}),
    })
  }
  return current
}
