// The SageMaker service quotas that decide whether a training or tuning job can start, as the Service Quotas API
// names them (service code `sagemaker`). Names are the key: ListServiceQuotas returns every quota with its name, code
// and applied value, so sageform matches by name and takes the code from the answer. The codes below are AWS's,
// collected from public lists of the sagemaker service's quotas; they serve the local endpoint and the hints when the
// real answer is not at hand. Instance types missing from TRAINING_INSTANCE_CODES are still checked, by name.

export const QUOTA_SERVICE_CODE = 'sagemaker'
export const QUOTA_SERVICE_NAME = 'Amazon SageMaker'

/** Account-wide quotas, by their Service Quotas name. */
export const QUOTA = {
  instancesAcrossTraining: 'Number of instances across all training jobs',
  instancesAcrossSpotTraining: 'Number of instances across all spot training jobs',
  instancesPerTrainingJob: 'Maximum number of instances per training job',
  instancesPerSpotTrainingJob: 'Maximum number of instances per spot training job',
  concurrentTuningJobs: 'Maximum number of hyper parameter tuning jobs that can run at once in parallel',
  trainingJobsPerTuningJob: 'Maximum number of training jobs that each hyperparameter tuning job can create',
  randomTrainingJobsPerTuningJob: 'Maximum number of training jobs that each hyperparameter tuning job with Random search strategy can create',
  parallelTrainingJobsPerTuningJob: 'Maximum number of training jobs each hyper parameter tuning job can run in parallel at once',
} as const

export interface KnownQuota {
  name: string
  code: string
  /** AWS's default value, where AWS documents one; instance-type quotas vary by account (often 0 for new ones). */
  awsDefault?: number
}

export const ACCOUNT_QUOTAS: readonly KnownQuota[] = [
  { name: QUOTA.instancesAcrossTraining, code: 'L-00C91CB5' },
  { name: QUOTA.instancesAcrossSpotTraining, code: 'L-93958082' },
  { name: QUOTA.instancesPerTrainingJob, code: 'L-622CFD70', awsDefault: 20 },
  { name: QUOTA.instancesPerSpotTrainingJob, code: 'L-DB62C864', awsDefault: 20 },
  // "Resource Limits for Automatic Model Tuning": 100 concurrent tuning jobs, 750 training jobs per tuning job (500 for
  // Random search), 10 training jobs in parallel per tuning job.
  { name: QUOTA.concurrentTuningJobs, code: 'L-9D782CC7', awsDefault: 100 },
  { name: QUOTA.trainingJobsPerTuningJob, code: 'L-EAC49F53', awsDefault: 750 },
  { name: QUOTA.randomTrainingJobsPerTuningJob, code: 'L-52DB9D33', awsDefault: 500 },
  { name: QUOTA.parallelTrainingJobsPerTuningJob, code: 'L-11294128', awsDefault: 10 },
]

/** `ml.m5.xlarge for training job usage` / `ml.m5.xlarge for spot training job usage`. */
export function instanceQuotaName(instanceType: string, spot: boolean): string {
  return `${instanceType} for ${spot ? 'spot ' : ''}training job usage`
}

/** The instance type and kind of an instance quota's name, or undefined for any other quota. */
export function parseInstanceQuotaName(name: string): { instanceType: string; spot: boolean } | undefined {
  const match = /^(ml\.[a-z0-9-]+\.[a-z0-9-]+) for (spot )?training job usage$/.exec(name)
  return match ? { instanceType: match[1]!, spot: match[2] !== undefined } : undefined
}

/** Instance type → [on-demand training quota code, spot training quota code]. */
export const TRAINING_INSTANCE_CODES: Readonly<Record<string, readonly [string, string | undefined]>> = {
  'ml.m4.xlarge': ['L-A373146E', 'L-2ECAA15F'],
  'ml.m4.2xlarge': ['L-D589112D', 'L-FE159C34'],
  'ml.m4.4xlarge': ['L-E60A61DF', 'L-D7D166A0'],
  'ml.m4.10xlarge': ['L-D35E48B2', 'L-C17B05C4'],
  'ml.m4.16xlarge': ['L-D7CE983F', 'L-A50827DD'],
  'ml.m5.large': ['L-611FA074', 'L-29688C85'],
  'ml.m5.xlarge': ['L-CCE2AFA6', 'L-4CEE6BA6'],
  'ml.m5.2xlarge': ['L-AD0A282D', 'L-4A823FAB'],
  'ml.m5.4xlarge': ['L-AFB011B4', 'L-2A6ACFF7'],
  'ml.m5.12xlarge': ['L-6F6C8949', 'L-29B03627'],
  'ml.m5.24xlarge': ['L-56C564CA', 'L-D0EA3DC8'],
  'ml.m6i.large': ['L-514B50A3', 'L-7E503C5F'],
  'ml.m6i.xlarge': ['L-3A218EBD', 'L-3597CD5B'],
  'ml.m6i.2xlarge': ['L-AE3447AD', 'L-39DC8B41'],
  'ml.m6i.4xlarge': ['L-AE93C70E', 'L-59C3957D'],
  'ml.c4.xlarge': ['L-85D4BAF3', 'L-9BA5373F'],
  'ml.c4.2xlarge': ['L-C5B4EE09', 'L-978CD7EC'],
  'ml.c4.4xlarge': ['L-505634D0', 'L-C087612A'],
  'ml.c4.8xlarge': ['L-6BE85179', 'L-C5B2C408'],
  'ml.c5.xlarge': ['L-E2BB44FE', 'L-6FA0D387'],
  'ml.c5.2xlarge': ['L-49679826', 'L-4581C083'],
  'ml.c5.4xlarge': ['L-E7898792', 'L-36C5FA8E'],
  'ml.c5.9xlarge': ['L-2BE095E2', 'L-A2512F8F'],
  'ml.c5.18xlarge': ['L-81482A8C', 'L-239B242B'],
  'ml.c6i.xlarge': ['L-D526E050', 'L-6074B0D4'],
  'ml.c6i.2xlarge': ['L-536D2DD2', 'L-8BB74069'],
  'ml.c6i.4xlarge': ['L-4A20E33E', 'L-017831D5'],
  'ml.r5.large': ['L-A810B462', 'L-7AB35940'],
  'ml.r5.xlarge': ['L-E854D418', 'L-C57B8181'],
  'ml.r5.2xlarge': ['L-D4EE434E', 'L-558B6165'],
  'ml.r5.4xlarge': ['L-B7AE5453', 'L-299FAE98'],
  'ml.r5.8xlarge': ['L-901586D2', 'L-F1ABFE8A'],
  'ml.r5.12xlarge': ['L-B307949A', 'L-300538CF'],
  'ml.r5.16xlarge': ['L-45DB9C66', 'L-53570353'],
  'ml.r5.24xlarge': ['L-03C8E8AF', 'L-4BAB566C'],
  'ml.t3.large': ['L-B95AAE44', 'L-4C7F99A0'],
  'ml.t3.xlarge': ['L-823DAB46', 'L-8CD1FE93'],
  'ml.t3.2xlarge': ['L-57AC4E19', 'L-39AB5000'],
  'ml.g4dn.xlarge': ['L-3F53BF0F', 'L-944F78BB'],
  'ml.g4dn.2xlarge': ['L-C2495BC4', 'L-0496610F'],
  'ml.g4dn.4xlarge': ['L-2908B1E9', 'L-246C5638'],
  'ml.g4dn.8xlarge': ['L-3118B7E1', 'L-15F329FB'],
  'ml.g4dn.12xlarge': ['L-7BD2C9FA', 'L-199558F0'],
  'ml.g4dn.16xlarge': ['L-57998C77', 'L-AD4C1352'],
  'ml.g5.xlarge': ['L-B6D80D9C', 'L-DE07CBDF'],
  'ml.g5.2xlarge': ['L-2D6DEB3C', 'L-CAEE7DB7'],
  'ml.g5.4xlarge': ['L-FE869B40', 'L-DB4D51CF'],
  'ml.g5.8xlarge': ['L-43F5FC95', 'L-DD18D5D6'],
  'ml.g5.12xlarge': ['L-C6383286', 'L-03E19172'],
  'ml.g5.16xlarge': ['L-9FAC65F7', 'L-E3DCB664'],
  'ml.g5.24xlarge': ['L-ED7BD217', 'L-8345B953'],
  'ml.g5.48xlarge': ['L-6BC98A55', 'L-C87FF004'],
  'ml.g6.xlarge': ['L-56AE9D73', 'L-A886A53A'],
  'ml.g6.2xlarge': ['L-A1025C0C', 'L-BC684567'],
  'ml.g6.4xlarge': ['L-07B51BA0', 'L-03304C28'],
  'ml.g6e.xlarge': ['L-1E3225F6', 'L-1DE24427'],
  'ml.g6e.2xlarge': ['L-D1AFBF6F', 'L-29512C0F'],
  'ml.p4d.24xlarge': ['L-09B4A649', 'L-09D56C4F'],
  'ml.p5.48xlarge': ['L-82E1C851', undefined],
}

/** Every quota with a known code: the account-wide ones, then one on-demand and one spot quota per instance type. */
export function knownQuotas(): KnownQuota[] {
  const out: KnownQuota[] = [...ACCOUNT_QUOTAS]
  for (const [type, [onDemand, spot]] of Object.entries(TRAINING_INSTANCE_CODES)) {
    out.push({ name: instanceQuotaName(type, false), code: onDemand })
    if (spot) out.push({ name: instanceQuotaName(type, true), code: spot })
  }
  return out
}

/** The code of a quota by its name, when sageform knows it. */
export function knownQuotaCode(name: string): string | undefined {
  const account = ACCOUNT_QUOTAS.find((q) => q.name === name)
  if (account) return account.code
  const instance = parseInstanceQuotaName(name)
  if (!instance) return undefined
  const codes = TRAINING_INSTANCE_CODES[instance.instanceType]
  return codes?.[instance.spot ? 1 : 0]
}

/** The exact command that asks AWS for more; `desired` is the smallest value that lets the plan start. */
export function increaseCommand(code: string | undefined, name: string, desired: number, region: string | null | undefined): string {
  const where = region ? ` --region ${region}` : ''
  if (code) return `aws service-quotas request-service-quota-increase --service-code ${QUOTA_SERVICE_CODE} --quota-code ${code} --desired-value ${desired}${where}`
  return `aws service-quotas list-service-quotas --service-code ${QUOTA_SERVICE_CODE}${where} --query "Quotas[?QuotaName=='${name}'].QuotaCode", then aws service-quotas request-service-quota-increase --service-code ${QUOTA_SERVICE_CODE} --quota-code <code> --desired-value ${desired}${where}`
}

/**
 * The parts of SageMaker's ResourceLimitExceeded message: "The account-level service limit '<name>' is <value> <unit>,
 * with current utilization of <usage> <unit> and a request delta of <delta> <unit>. ..."
 */
export function parseLimitMessage(message: string): { name: string; value: number; usage: number; delta: number; unit: string } | undefined {
  const match = /service limit '([^']+)' is (\d+(?:\.\d+)?) (\w+), with current utilization of (\d+(?:\.\d+)?) \w+ and a request delta of (\d+(?:\.\d+)?) \w+/.exec(message)
  if (!match) return undefined
  return { name: match[1]!, value: Number(match[2]), unit: match[3]!, usage: Number(match[4]), delta: Number(match[5]) }
}
