// A tuning job's training jobs ranked by its objective: the rows of `sageform results` (services/results.ts), as values.
import type { DescribeHyperParameterTuningJobResponse, HyperParameterTrainingJobSummary } from '../sagemaker/types.js'

export type ObjectiveType = 'Maximize' | 'Minimize'

/** A tuning job's objective: ranking follows its type. */
export interface Objective {
  metric_name: string | null
  type: ObjectiveType
}

/** One training job the tuning job launched. */
export interface TrainingJobResult {
  /** 1 for the best objective; null for a job without a final objective (they come last). */
  rank: number | null
  name: string
  status: string
  objective: number | null
  /** SageMaker's ObjectiveStatus: Succeeded, Pending or Failed. */
  objective_status: string | null
  /** The tuned hyperparameters (TunedHyperParameters), as strings. */
  hyperparameters: Record<string, string>
  /** TrainingJobDefinitionName, for a tuning job with several definitions. */
  definition_name: string | null
  /** ISO 8601; creation order is launch order. */
  created_at: string | null
  started_at: string | null
  ended_at: string | null
  /** TrainingStartTime..TrainingEndTime; null until both are known. */
  duration_seconds: number | null
  /** The tuning job's BestTrainingJob. */
  best: boolean
  failure_reason: string | null
}

/**
 * The direction to rank in: the tuning job's objective, else its (first) training job definition's, else what the
 * training jobs' final metrics say; Maximize when nothing says.
 */
export function objectiveOf(described: DescribeHyperParameterTuningJobResponse, summaries: readonly HyperParameterTrainingJobSummary[] = []): Objective {
  const objective =
    described.HyperParameterTuningJobConfig?.HyperParameterTuningJobObjective ??
    described.TrainingJobDefinition?.TuningObjective ??
    described.TrainingJobDefinitions?.find((d) => d.TuningObjective)?.TuningObjective
  const metric = summaries.find((s) => s.FinalHyperParameterTuningJobObjectiveMetric)?.FinalHyperParameterTuningJobObjectiveMetric
  const type = objective?.Type ?? metric?.Type
  return { metric_name: objective?.MetricName ?? metric?.MetricName ?? null, type: type === 'Minimize' ? 'Minimize' : 'Maximize' }
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null)
const time = (d: Date | undefined) => (d ? d.getTime() : Infinity)

/**
 * Ranks training jobs by their final objective: the highest first for Maximize, the lowest for Minimize (ties by launch
 * order); jobs without a final objective (failed, stopped early, still running) follow in launch order, unranked.
 */
export function rankTrainingJobs(summaries: readonly HyperParameterTrainingJobSummary[], type: ObjectiveType, bestName?: string): TrainingJobResult[] {
  const launchOrder = (a: HyperParameterTrainingJobSummary, b: HyperParameterTrainingJobSummary) =>
    time(a.CreationTime) - time(b.CreationTime) || ((a.TrainingJobName ?? '') < (b.TrainingJobName ?? '') ? -1 : (a.TrainingJobName ?? '') > (b.TrainingJobName ?? '') ? 1 : 0)
  const value = (s: HyperParameterTrainingJobSummary) => s.FinalHyperParameterTuningJobObjectiveMetric?.Value
  const scored = summaries.filter((s) => value(s) !== undefined && Number.isFinite(value(s)))
  const unscored = summaries.filter((s) => !scored.includes(s))
  scored.sort((a, b) => (type === 'Maximize' ? value(b)! - value(a)! : value(a)! - value(b)!) || launchOrder(a, b))
  unscored.sort(launchOrder)
  return [...scored.map((s, i) => toResult(s, i + 1, bestName)), ...unscored.map((s) => toResult(s, null, bestName))]
}

function toResult(s: HyperParameterTrainingJobSummary, rank: number | null, bestName: string | undefined): TrainingJobResult {
  const start = s.TrainingStartTime
  const end = s.TrainingEndTime
  const name = s.TrainingJobName ?? ''
  return {
    rank,
    name,
    status: s.TrainingJobStatus ?? 'Unknown',
    objective: rank === null ? null : s.FinalHyperParameterTuningJobObjectiveMetric!.Value!,
    objective_status: s.ObjectiveStatus ?? null,
    hyperparameters: Object.fromEntries(Object.entries(s.TunedHyperParameters ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    definition_name: s.TrainingJobDefinitionName ?? null,
    created_at: iso(s.CreationTime),
    started_at: iso(start),
    ended_at: iso(end),
    duration_seconds: start && end ? Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000)) : null,
    best: bestName !== undefined && name === bestName,
    failure_reason: s.FailureReason ?? null,
  }
}
