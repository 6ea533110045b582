// A tuning job's best training job for the state file (attribute best_training_job): DescribeHyperParameterTuningJob's
// OverallBestTrainingJob when it has one (a warm start: the best of its own and its parents' training jobs), else its
// BestTrainingJob, plus the model artifacts only DescribeTrainingJob knows. Read once the tuning job has ended, so the
// recorded value does not move under a pipeline that reads it.
import { isSageMakerError, type SageMakerApi } from '../sagemaker/types.js'
import type { BestTrainingJobRecord, JobRecord } from '../model/state.js'
import type { ResourceType } from '../config/module.js'
import { jobFamily } from '../config/module.js'

/** Tuning job statuses after which the best training job no longer changes. */
export const ENDED_TUNING_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Stopped', 'Failed'])

/**
 * The best training job of tuning job `name`, or undefined when it has none (yet), when the tuning job is gone, or when
 * the best job has no model artifacts. SageMaker errors are thrown.
 */
export async function readBestTrainingJob(api: SageMakerApi, name: string): Promise<BestTrainingJobRecord | undefined> {
  const tuning = await api.describeTuningJob(name)
  const best = tuning.found ? (tuning.job.OverallBestTrainingJob ?? tuning.job.BestTrainingJob) : undefined
  const objective = best?.FinalHyperParameterTuningJobObjectiveMetric?.Value
  if (!best?.TrainingJobName || objective === undefined) return undefined
  const training = await api.describeTrainingJob(best.TrainingJobName)
  const artifacts = training.found ? training.job.ModelArtifacts?.S3ModelArtifacts : undefined
  if (!artifacts) return undefined
  const parent = best.TuningJobName !== undefined && best.TuningJobName !== name ? { tuning_job: best.TuningJobName } : {}
  return { name: best.TrainingJobName, hyperparameters: sortedRecord(best.TunedHyperParameters ?? {}), objective, model_artifacts: artifacts, ...parent }
}

/**
 * What to add to the record of job `name` of a `type` resource now seen with `status`: its best training job when it is a
 * tuning job that has ended with one. Best effort: a SageMaker error leaves the record as it was, and a later apply
 * (the no-op refresh) tries again.
 */
export async function bestTrainingJobFields(api: SageMakerApi, type: ResourceType, name: string, status: string | undefined): Promise<Pick<JobRecord, 'best_training_job'>> {
  if (jobFamily(type) !== 'tuning' || status === undefined || !ENDED_TUNING_STATUSES.has(status)) return {}
  try {
    const best = await readBestTrainingJob(api, name)
    return best ? { best_training_job: best } : {}
  } catch (err) {
    if (isSageMakerError(err)) return {}
    throw err
  }
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
