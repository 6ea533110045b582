// Values SageMaker fills in when a request leaves them out, and echoes back in Describe and Search. Filling them in
// the desired spec before comparing (ACK's "late initialisation") means an omitted default and an explicit one are
// the same spec, and a job read back from SageMaker never shows a false diff.
import { Unknown } from '../config/value.js'
import type { ApiObject, ApiValue } from './types.js'

/**
 * Defaults by API path inside a request; `*` stands for every item of a list. A default applies where its parent
 * structure exists, except StoppingCondition, which SageMaker creates ("The default value is 1 day").
 */
const DEFAULTS: Record<string, Array<[string[], ApiValue]>> = {
  CreateTrainingJobRequest: definitionDefaults([]),
  CreateHyperParameterTuningJobRequest: [
    [['HyperParameterTuningJobConfig', 'TrainingJobEarlyStoppingType'], 'Off'],
    ...definitionDefaults(['TrainingJobDefinition']),
    ...definitionDefaults(['TrainingJobDefinitions', '*']),
  ],
}

function definitionDefaults(base: string[]): Array<[string[], ApiValue]> {
  return [
    [[...base, 'OutputDataConfig', 'CompressionType'], 'GZIP'],
    [[...base, 'StoppingCondition', 'MaxRuntimeInSeconds'], 86400],
    [[...base, 'EnableNetworkIsolation'], false],
    [[...base, 'EnableInterContainerTrafficEncryption'], false],
    [[...base, 'EnableManagedSpotTraining'], false],
    [[...base, 'InputDataConfig', '*', 'CompressionType'], 'None'],
    [[...base, 'InputDataConfig', '*', 'RecordWrapperType'], 'None'],
    [[...base, 'InputDataConfig', '*', 'DataSource', 'S3DataSource', 'S3DataDistributionType'], 'FullyReplicated'],
  ]
}

/** A copy of the request with SageMaker's defaults filled in where the parent structure exists. */
export function withDefaults(requestShape: string, request: ApiObject): ApiObject {
  const copy = structuredCloneApi(request) as ApiObject
  for (const [path, value] of DEFAULTS[requestShape] ?? []) fill(copy, path, value)
  return copy
}

function fill(node: ApiValue | undefined, path: string[], value: ApiValue): void {
  if (node === undefined || node instanceof Unknown || typeof node !== 'object') return
  const [head, ...rest] = path
  if (head === '*') {
    if (Array.isArray(node)) for (const item of node) fill(item, rest, value)
    return
  }
  if (Array.isArray(node)) return
  if (rest.length === 0) {
    if (node[head!] === undefined) node[head!] = value
    return
  }
  if (head === 'StoppingCondition' && node[head] === undefined) node[head] = {}
  fill(node[head!], rest, value)
}

/** Deep copy that keeps Unknown instances (structuredClone would turn them into plain objects). */
export function structuredCloneApi(value: ApiValue): ApiValue {
  if (value instanceof Unknown || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(structuredCloneApi)
  const out: ApiObject = {}
  for (const [k, v] of Object.entries(value)) out[k] = structuredCloneApi(v)
  return out
}
