// Reads the jobs of terraform-provider-aws's two SageMaker resources out of a Terraform state file (format version 4),
// for `sageform import --from-terraform-state`. Only what adoption needs is read: the address and the job name.
import type { Diagnostic } from '../diagnostics/index.js'
import { instanceAddress } from '../config/address.js'
import { PROVIDER_RESOURCES, PROVIDER_RESOURCE_TYPES, type ProviderResourceType } from '../model/terraform.js'

export interface TerraformStateJob {
  address: string
  type: ProviderResourceType
  /** Absent when the instance cannot be adopted; `skip` says why. */
  jobName?: string
  skip?: string
}

export interface TerraformStateJobs {
  jobs: TerraformStateJob[]
  /** Managed resources of other types, which sageform leaves to Terraform. */
  ignored: number
  diagnostics: Diagnostic[]
}

interface StateInstance {
  index_key?: string | number
  attributes?: Record<string, unknown>
}

interface StateResource {
  module?: string
  mode?: string
  type?: string
  name?: string
  instances?: StateInstance[]
}

export function terraformStateJobs(path: string, text: string): TerraformStateJobs {
  const fail = (summary: string, detail: string, hint?: string): TerraformStateJobs => ({ jobs: [], ignored: 0, diagnostics: [{ severity: 'error', summary, detail: `${path}: ${detail}`, hint }] })
  let parsed: { version?: unknown; resources?: unknown }
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return fail('Not a Terraform state file', `not JSON (${(error as Error).message}).`, 'Pass the terraform.tfstate file, or the output of terraform state pull.')
  }
  if (parsed?.version !== 4) {
    return fail('Unsupported Terraform state version', `format version ${JSON.stringify(parsed?.version ?? null)}; sageform reads version 4, which Terraform 0.12 and later write.`, 'Run terraform state pull with a current Terraform to get a version 4 file.')
  }
  if (!Array.isArray(parsed.resources)) return fail('Not a Terraform state file', 'it has no "resources" list.')
  const out: TerraformStateJobs = { jobs: [], ignored: 0, diagnostics: [] }
  for (const resource of parsed.resources as StateResource[]) {
    if (resource.mode !== 'managed') continue
    if (!(PROVIDER_RESOURCE_TYPES as readonly string[]).includes(resource.type ?? '')) {
      out.ignored += 1
      continue
    }
    const type = resource.type as ProviderResourceType
    for (const instance of resource.instances ?? []) {
      // An instance of count or for_each keeps its key: aws_sagemaker_training_job.x[0], ...x["key"].
      const address = instanceAddress(`${type}.${resource.name}`, instance.index_key)
      out.jobs.push({ address, type, ...instanceJob(type, resource, instance) })
    }
  }
  return out
}

function instanceJob(type: ProviderResourceType, resource: StateResource, instance: StateInstance): { jobName?: string; skip?: string } {
  const attributes = instance.attributes ?? {}
  const name = attributes[PROVIDER_RESOURCES[type].nameArgument] ?? attributes.id
  const jobName = typeof name === 'string' && name !== '' ? name : undefined
  if (resource.module) return { jobName, skip: `it is in ${resource.module}; sageform has no modules, so declare the resource in the configuration itself and import it with sageform import ADDRESS JOB_NAME.` }
  if (!jobName) return { skip: `the state holds no job name (${PROVIDER_RESOURCES[type].nameArgument}) for it.` }
  return { jobName }
}
