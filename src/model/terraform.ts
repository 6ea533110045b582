// terraform-provider-aws's two SageMaker resources as data, so that configurations written for the provider read
// into the same typed model as sageform's own blocks. Checked against the provider's documentation pages
// (website/docs/r/sagemaker_training_job.html.markdown, sagemaker_hyper_parameter_tuning_job.html.markdown): the
// training job is the mechanical snake_case of the API throughout; the tuning job shortens three names. The decoder
// reads provider-spelled blocks through these tables, and a converter renames in either direction with the same ones.
import { NATIVE_RESOURCE_TYPES, PROVIDER_RESOURCE_TYPES } from '../config/module.js'
import { shape, snakeCase, structure } from './api.js'

export { PROVIDER_RESOURCE_TYPES }
export type NativeResourceType = (typeof NATIVE_RESOURCE_TYPES)[number]
export type ProviderResourceType = (typeof PROVIDER_RESOURCE_TYPES)[number]

/** Which spelling a resource is written in: sageform's own, or terraform-provider-aws's. */
export type Spelling = 'native' | 'provider'

export interface ProviderResource {
  /** The sageform resource type with the same request. */
  native: NativeResourceType
  /** The argument that pins the job name; the provider has no name_prefix. Also the reference attribute holding it. */
  nameArgument: string
  /** Arguments and blocks only the provider has, with why sageform does not act on them (one warning each). */
  providerOnly: Record<string, string>
}

const REGION = 'sageform creates every job in the region of its provider configuration; a per-resource region is not supported.'
const TIMEOUTS = 'sageform waits for jobs its own way (apply --wait, watch), not within Terraform operation timeouts.'

export const PROVIDER_RESOURCES: Record<ProviderResourceType, ProviderResource> = {
  aws_sagemaker_training_job: {
    native: 'sagemaker_training_job',
    nameArgument: 'training_job_name',
    providerOnly: {
      region: REGION,
      timeouts: TIMEOUTS,
      delete_vpc_enis_on_destroy: 'sageform does not clean up network interfaces a deleted job leaves in the VPC.',
      delete_model_packages_on_destroy: 'sageform does not delete model packages when a job is destroyed.',
    },
  },
  aws_sagemaker_hyper_parameter_tuning_job: {
    native: 'sagemaker_hyperparameter_tuning_job',
    nameArgument: 'name',
    providerOnly: { region: REGION, timeouts: TIMEOUTS },
  },
}

/**
 * Where the provider's name for an API member departs from snakeCase, by the structure shape holding the member.
 * Every shape listed belongs to one request, so one table serves both resources.
 */
export const PROVIDER_RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  CreateHyperParameterTuningJobRequest: { HyperParameterTuningJobConfig: 'config' },
  HyperParameterTuningJobConfig: { HyperParameterTuningJobObjective: 'objective' },
  ParentHyperParameterTuningJob: { HyperParameterTuningJobName: 'name' },
}

/** The name a member of `shapeName` is written with in a spelling. */
export function memberName(shapeName: string, member: string, spelling: Spelling): string {
  return (spelling === 'provider' ? PROVIDER_RENAMES[shapeName]?.[member] : undefined) ?? snakeCase(member)
}

const memberIndex = new Map<string, Map<string, string>>()

/** Written name → API member for a structure shape, in a spelling. */
export function spelledMembers(shapeName: string, spelling: Spelling): Map<string, string> {
  const key = `${spelling}:${shapeName}`
  let index = memberIndex.get(key)
  if (!index) {
    index = new Map(Object.keys(structure(shapeName).members).map((m) => [memberName(shapeName, m, spelling), m]))
    memberIndex.set(key, index)
  }
  return index
}

/** The Create request of each native type. */
export const REQUEST_SHAPES = {
  sagemaker_training_job: 'CreateTrainingJobRequest',
  sagemaker_hyperparameter_tuning_job: 'CreateHyperParameterTuningJobRequest',
} as const satisfies Record<NativeResourceType, string>

/**
 * Renames a path of argument and block names (no list indices) of an `aws_` resource into the other spelling:
 * `to: 'native'` reads the path as the provider writes it, `to: 'provider'` as sageform does. The job name argument
 * becomes `name` (and back); keys below a map argument are kept. A provider-only argument has no native equivalent,
 * so it gives undefined, as does a path that names no member of the request.
 */
export function renamePath(providerType: ProviderResourceType, path: readonly string[], to: Spelling): string[] | undefined {
  const resource = PROVIDER_RESOURCES[providerType]
  const from: Spelling = to === 'native' ? 'provider' : 'native'
  const jobName: Record<Spelling, string> = { native: 'name', provider: resource.nameArgument }
  const [head, ...rest] = path
  if (head === undefined) return []
  if (head === jobName[from]) return rest.length === 0 ? [jobName[to]] : undefined
  if (head === 'tags') return rest.length <= 1 ? [...path] : undefined
  if (from === 'provider' && head in resource.providerOnly) return undefined
  let shapeName = REQUEST_SHAPES[resource.native] as string
  const out: string[] = []
  for (const [i, step] of path.entries()) {
    const member = spelledMembers(shapeName, from).get(step)
    // The name and tags members are written as sageform's own arguments, handled above.
    if (!member || (i === 0 && (member === 'Tags' || member.endsWith('JobName')))) return undefined
    out.push(memberName(shapeName, member, to))
    const memberShape = shape(structure(shapeName).members[member]!.shape)
    if (memberShape.type === 'map') return [...out, ...path.slice(i + 1)]
    const next = memberShape.type === 'list' ? shape(memberShape.member.shape) : memberShape
    if (next.type !== 'structure') return i === path.length - 1 ? out : undefined
    shapeName = memberShape.type === 'list' ? memberShape.member.shape : structure(shapeName).members[member]!.shape
  }
  return out
}
