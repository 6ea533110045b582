// The typed model: what the manifest asks SageMaker for, resource by resource, with every value located in its file.
import type { SourceRange } from '../diagnostics/index.js'
import type { Unknown, Value } from '../config/value.js'
import type { InstanceKey } from '../config/address.js'
import type { JobKind } from './kinds.js'

/** A request value as sent to the API (PascalCase members), where any leaf may still be unknown until apply. */
export type ApiValue = string | number | boolean | Unknown | ApiValue[] | ApiObject
export interface ApiObject {
  [member: string]: ApiValue
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
  /** The instance's address: `type.name`, or `type.name[0]` / `type.name["key"]` for an instance of count / for_each. */
  address: string
  /** count.index or each.key of an instance; part of its identity, so instances of one spec get distinct names. */
  instanceKey?: InstanceKey
  kind: JobKind
  label: string
  name: JobName
  /** The Create request without the job name and Tags, which sageform manages itself. */
  request: ApiObject
  tags: Record<string, string | Unknown>
  lifecycle: {
    preventDestroy: boolean
    ignoreChanges: string[]
    /** retune_every: once the current job has completed and started this long ago, the plan starts a new generation of the same spec. */
    retuneEverySeconds?: number
    /** keep_generations: finished jobs older than the newest N generations are deleted from SageMaker. */
    keepGenerations?: number
  }
  /**
   * warm_start_from_previous (tuning jobs): each new generation warm-starts from the previous ones, newest first. The
   * parents are filled in by the planner, so the request holds no WarmStartConfig.
   */
  warmStartFromPrevious?: { type: WarmStartType }
  /** Addresses of resources this one must follow: referenced or named in depends_on. */
  dependsOn: string[]
  /** Keyed by API path (`ResourceConfig.InstanceCount`, `InputDataConfig.0.ChannelName`). */
  sources: Map<string, SourceEntry>
  /** API paths of blocks with a misspelt argument or block: "missing X" there would only repeat the typo. */
  incomplete: Set<string>
  /** API paths (apiPathKey) whose values are derived from sensitive values: shown as "(sensitive value)". */
  sensitivePaths: Set<string>
  /** The resource block's header. */
  range: SourceRange
}

export type WarmStartType = 'IdenticalDataAndAlgorithm' | 'TransferLearning'

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

/** A moved block: canonical addresses (`type.name`, `type.name[0]`, `type.name["key"]`) and where it is written. */
export interface MoveStatement {
  from: string
  to: string
  range: SourceRange
}

/** One import block target, expanded (for_each) and evaluated: adopt job `id` as the current job of `address`. */
export interface ImportTarget {
  address: string
  id: string
  range: SourceRange
}

/** How a declared resource repeats: implied moves (adding or removing count) depend on it. */
export type Repetition = 'single' | 'count' | 'for_each'

export interface Configuration {
  dir: string
  provider: ProviderSettings
  /** Absent without a policy block. */
  policy?: PolicySettings
  /** In dependency order: every resource comes after the ones it depends on. */
  resources: JobResource[]
  outputs: Map<string, OutputValue>
  moved: MoveStatement[]
  imports: ImportTarget[]
  /** Every resource block by address (`type.name`), even one with no instances (count = 0). */
  declared: Map<string, Repetition>
  variables: Record<string, Value>
  sensitiveVariables: Set<string>
}

export function apiPathKey(path: ReadonlyArray<string | number>): string {
  return path.join('.')
}

/** Is the value at an API path, or a collection holding it, derived from a sensitive value? */
export function isSensitivePath(path: ReadonlyArray<string | number>, marked: ReadonlySet<string>): boolean {
  if (marked.size === 0) return false
  for (let n = path.length; n > 0; n--) if (marked.has(apiPathKey(path.slice(0, n)))) return true
  return false
}
