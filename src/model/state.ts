// The local state file, sageform.state.json, beside the manifests. Field names are snake_case because users read and
// sometimes repair this file by hand, as with Terraform's.

export const STATE_FILE = 'sageform.state.json'
export const STATE_FORMAT_VERSION = 1

import type { ResourceType } from '../config/module.js'

/** One SageMaker job that a resource created or adopted. Jobs are immutable, so a changed spec means a new record. */
export interface JobRecord {
  name: string
  arn: string
  /** Hash of the normalised request that created the job; the planner compares it to detect spec changes. */
  spec_hash: string
  /** Last status seen: a TrainingJobStatus or HyperParameterTuningJobStatus, kept as text so new statuses still load. */
  status: string
  /** ISO 8601. */
  created_at: string
  /** ISO 8601. */
  updated_at: string
  /** 1 for a resource's first job; bumped by a forced replacement (or a re-tune) of an unchanged spec. */
  generation?: number
  /** ISO 8601, when SageMaker reported the job finished (Completed, Failed or Stopped). */
  ended_at?: string
  failure_reason?: string
  /** ISO 8601, when sageform deleted the job from SageMaker (lifecycle.keep_generations); the record stays as history. */
  deleted_at?: string
  /** The Create request as sent (without name and tags), so plans can diff without a network call. */
  request?: JsonValue
  /** The user's tags as sent (sageform's own tags are implied). */
  tags?: Record<string, string>
  /** API paths of the request derived from sensitive values (Terraform's sensitive_attributes): never printed. */
  sensitive_paths?: string[]
  /** Tuning jobs: the best training job, recorded once the tuning job has ended with one (attribute best_training_job). */
  best_training_job?: BestTrainingJobRecord
}

/** A tuning job's best training job, as references read it: `sagemaker_hyperparameter_tuning_job.x.best_training_job`. */
export interface BestTrainingJobRecord {
  name: string
  /** The tuned hyperparameters (TunedHyperParameters), as SageMaker sent them: strings. */
  hyperparameters: Record<string, string>
  /** Its FinalHyperParameterTuningJobObjectiveMetric value. */
  objective: number
  /** ModelArtifacts.S3ModelArtifacts of the training job. */
  model_artifacts: string
  /** A warm start's overall best launched by a parent: that parent tuning job (absent: the job's own training job). */
  tuning_job?: string
}

export interface ResourceState {
  type: ResourceType
  /** Absent once the resource's job has been destroyed; its history stays. */
  current?: JobRecord
  /** Replaced jobs, oldest first. */
  history: JobRecord[]
  /**
   * Terraform's deposed objects: jobs this resource replaced (or was destroyed from) that may still run, "stop pending".
   * Each stays here, and every plan stops it, until SageMaker reports it Completed, Failed or Stopped; then it moves to
   * history. A job is never forgotten while it may still cost money.
   */
  deposed?: JobRecord[]
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export interface OutputState {
  value: JsonValue
  sensitive?: boolean
}

export interface State {
  format_version: typeof STATE_FORMAT_VERSION
  /** Fixed when the state is first created; a write never replaces a file of another lineage. */
  lineage: string
  /** Bumped by the caller on every change; a write never replaces a file with a higher serial. */
  serial: number
  /** Keyed by resource address, e.g. `sagemaker_training_job.xgb`. */
  resources: Record<string, ResourceState>
  outputs?: Record<string, OutputState>
}

// Moving a resource's record to another address: the jobs, their history and the outputs stay as they are, only the
// key changes. Used by moved blocks (planned, then done by apply) and by `sageform state mv`.

/** The state with the entry at `from` under `to` instead; the caller has checked that `to` is free. */
export function moveEntry(state: State, from: string, to: string): State {
  const resources: State['resources'] = {}
  // Keep the file's order: the moved entry takes its old place.
  for (const [address, entry] of Object.entries(state.resources)) resources[address === from ? to : address] = entry
  return { ...state, resources }
}
