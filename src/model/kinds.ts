// The two kinds of job sageform manages and what every layer says about them, in one place: each resource type's
// request shape, name member and nouns (JOB_KINDS), SageMaker's job statuses, the tags sageform gives every job, and
// what SageMaker reports of one job (RemoteJob). The resource type names themselves are decoded with the configuration
// (RESOURCE_TYPES and jobFamily in src/config/module.ts).
import type { JobFamily, ResourceType } from '../config/module.js'
import type { JsonValue } from './state.js'
import { PROVIDER_RESOURCES, type NativeResourceType, type ProviderResourceType, type Spelling } from './terraform.js'

export interface JobKind {
  type: ResourceType
  requestShape: 'CreateTrainingJobRequest' | 'CreateHyperParameterTuningJobRequest'
  nameMember: 'TrainingJobName' | 'HyperParameterTuningJobName'
  /** What the API calls the job in messages. */
  noun: 'training job' | 'hyperparameter tuning job'
  /** What apply's progress lines call it. */
  shortNoun: 'training job' | 'tuning job'
  family: JobFamily
  /** How the resource's arguments are spelt: sageform's snake_case, or terraform-provider-aws's (src/model/terraform.ts). */
  spelling: Spelling
  /** The argument that pins the job name, and the reference attribute that reads it. */
  nameArgument: string
  /** Provider arguments the request has no member for, with why sageform does not act on them. */
  providerOnly: Readonly<Record<string, string>>
}

const NATIVE_KINDS: Record<NativeResourceType, JobKind> = {
  sagemaker_training_job: {
    type: 'sagemaker_training_job',
    requestShape: 'CreateTrainingJobRequest',
    nameMember: 'TrainingJobName',
    noun: 'training job',
    shortNoun: 'training job',
    family: 'training',
    spelling: 'native',
    nameArgument: 'name',
    providerOnly: {},
  },
  sagemaker_hyperparameter_tuning_job: {
    type: 'sagemaker_hyperparameter_tuning_job',
    requestShape: 'CreateHyperParameterTuningJobRequest',
    nameMember: 'HyperParameterTuningJobName',
    noun: 'hyperparameter tuning job',
    shortNoun: 'tuning job',
    family: 'tuning',
    spelling: 'native',
    nameArgument: 'name',
    providerOnly: {},
  },
}

/** A provider resource is its native kind read in the provider's spelling. */
function providerKind(type: ProviderResourceType): JobKind {
  const { native, nameArgument, providerOnly } = PROVIDER_RESOURCES[type]
  return { ...NATIVE_KINDS[native], type, spelling: 'provider', nameArgument, providerOnly }
}

export const JOB_KINDS: Record<ResourceType, JobKind> = {
  ...NATIVE_KINDS,
  aws_sagemaker_training_job: providerKind('aws_sagemaker_training_job'),
  aws_sagemaker_hyper_parameter_tuning_job: providerKind('aws_sagemaker_hyper_parameter_tuning_job'),
}

/** Statuses after which a job changes no more (and a warm-start parent may be used). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped'])
export const RUNNING_STATUSES: ReadonlySet<string> = new Set(['InProgress', 'Stopping'])

/** What sageform tags every job it creates with; SageMaker copies a tuning job's tags onto its training jobs. */
export const TAG = { address: 'sageform:address', lineage: 'sageform:lineage', specHash: 'sageform:spec-hash' } as const

/** Every tag key sageform sets starts with this; a configuration may not use it. */
export const RESERVED_TAG_PREFIX = 'sageform:'

export const isReservedTag = (key: string): boolean => key.startsWith(RESERVED_TAG_PREFIX)

/** The user's tags: everything but sageform's own, which the state implies. */
export function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !isReservedTag(k)))
}

export interface RemoteJob {
  type: ResourceType
  name: string
  arn: string
  status: string
  secondary_status?: string
  failure_reason?: string
  /** Absent when the refresh could not read them (Search refused: Describe alone carries no tags). */
  tags?: Record<string, string>
  created_at?: string
  ended_at?: string
  /** The job's Create request from Describe: read only for the jobs import blocks name. */
  request?: JsonValue
  /** A training job a tuning job launched (Describe's TuningJobArn): never importable. */
  tuning_job_arn?: string
}
