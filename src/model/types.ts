// The typed model: what the manifest asks SageMaker for, resource by resource, with every value located in its file.
import type { SourceRange } from '../diagnostics/index.js'
import type { ResourceType } from '../config/module.js'
import type { Unknown, Value } from '../config/value.js'

/** A request value as sent to the API (PascalCase members), where any leaf may still be unknown until apply. */
export type ApiValue = string | number | boolean | Unknown | ApiValue[] | ApiObject
export interface ApiObject {
  [member: string]: ApiValue
}

export interface JobKind {
  type: ResourceType
  requestShape: 'CreateTrainingJobRequest' | 'CreateHyperParameterTuningJobRequest'
  nameMember: 'TrainingJobName' | 'HyperParameterTuningJobName'
  /** What the API calls the job in messages. */
  noun: 'training job' | 'hyperparameter tuning job'
}

export const JOB_KINDS: Record<ResourceType, JobKind> = {
  sagemaker_training_job: {
    type: 'sagemaker_training_job',
    requestShape: 'CreateTrainingJobRequest',
    nameMember: 'TrainingJobName',
    noun: 'training job',
  },
  sagemaker_hyperparameter_tuning_job: {
    type: 'sagemaker_hyperparameter_tuning_job',
    requestShape: 'CreateHyperParameterTuningJobRequest',
    nameMember: 'HyperParameterTuningJobName',
    noun: 'hyperparameter tuning job',
  },
}

/** Where a request value came from: its source range and its manifest spelling (`resource_config.instance_count`). */
export interface SourceEntry {
  range: SourceRange
  manifestPath: string
}

export type JobName =
  | { kind: 'exact'; value: string | Unknown; range: SourceRange }
  /** `fromLabel`: no name or name_prefix was written, so the prefix is the resource label. */
  | { kind: 'prefix'; value: string | Unknown; range: SourceRange; fromLabel?: boolean }

export interface JobResource {
  address: string
  kind: JobKind
  label: string
  name: JobName
  /** The Create request without the job name and Tags, which sageform manages itself. */
  request: ApiObject
  tags: Record<string, string | Unknown>
  lifecycle: { preventDestroy: boolean; ignoreChanges: string[] }
  /** Addresses of resources this one must follow: referenced or named in depends_on. */
  dependsOn: string[]
  /** Keyed by API path (`ResourceConfig.InstanceCount`, `InputDataConfig.0.ChannelName`). */
  sources: Map<string, SourceEntry>
  /** API paths of blocks with a misspelt argument or block: "missing X" there would only repeat the typo. */
  incomplete: Set<string>
  /** The resource block's header. */
  range: SourceRange
}

export interface ProviderSettings {
  region?: string
  profile?: string
  endpoint?: string
}

/** The policy block, evaluated: limits every plan is checked against (src/planner/policy.ts). */
export interface PolicySettings {
  max_instance_hours?: number
  max_cost_usd?: number
  allowed_instance_types?: string[]
  /** The policy block's header. */
  range: SourceRange
  /** Where each setting's value is written, for diagnostics about it. */
  ranges?: Partial<Record<'max_instance_hours' | 'max_cost_usd' | 'allowed_instance_types', SourceRange>>
}

export interface OutputValue {
  value: Value
  sensitive: boolean
  description?: string
}

export interface Configuration {
  dir: string
  provider: ProviderSettings
  /** Absent without a policy block. */
  policy?: PolicySettings
  /** In dependency order: every resource comes after the ones it depends on. */
  resources: JobResource[]
  outputs: Map<string, OutputValue>
  variables: Record<string, Value>
  sensitiveVariables: Set<string>
}

export function apiPathKey(path: ReadonlyArray<string | number>): string {
  return path.join('.')
}
