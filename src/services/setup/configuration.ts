// Loads a configuration directory into the typed model: parse, decode, resolve variables, evaluate, map to the API.
// What was read (the manifests, the variable values and every file() read) is kept as a snapshot: a plan carries it,
// as Terraform's planfile does, so apply evaluates exactly what was planned without reading the directory again.
import { createHash } from 'node:crypto'
import { readRegularFile } from '../../config/functions.js'
import { relative, resolve } from 'node:path'
import { Diagnostics, type Diagnostic } from '../../diagnostics/index.js'
import { loadModule, moduleFromSources, type Module } from '../../config/module.js'
import { newObject, plainValue, type ObjectValue, type Value } from '../../config/value.js'
import { resolveVariables, restoreVariables, type VariableSource } from '../../config/variables.js'
import { buildConfiguration, type BuildOptions } from '../../model/build.js'
import type { Configuration } from '../../model/types.js'
import { validateConfiguration } from '../../model/validate.js'
import { validateMoves } from '../../model/moves.js'
import type { ConfigurationSnapshot } from '../../plan/types.js'
import { canonicalJson } from '../../planner/identity.js'
import { instanceTypeViolations } from '../../planner/policy.js'
import type { JsonValue } from '../../model/state.js'

export interface LoadConfigurationOptions {
  dir: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  resourceAttributes?: BuildOptions['resourceAttributes']
  /** Evaluate this snapshot (a saved plan's) instead of reading the directory; `variables` and `env` are not read. */
  snapshot?: ConfigurationSnapshot
}

export type ResourceAttributes = NonNullable<BuildOptions['resourceAttributes']>

export interface LoadedConfiguration {
  config?: Configuration
  diagnostics: Diagnostic[]
  /** sha256 of the snapshot: a saved plan is applied only to the configuration it was made from. */
  fingerprint?: string
  /** What was read, for the plan to carry. */
  snapshot?: ConfigurationSnapshot
  /**
   * The same configuration evaluated again, in memory, with other attribute values for references (apply: the jobs
   * created so far). Nothing is read from disk.
   */
  evaluate?: (resourceAttributes: ResourceAttributes) => { config: Configuration; diagnostics: Diagnostic[] }
}

export async function loadConfiguration(options: LoadConfigurationOptions): Promise<LoadedConfiguration> {
  const diags = new Diagnostics()
  const dir = resolve(options.dir)
  const { module, diagnostics } = options.snapshot ? await moduleFromSources(dir, options.snapshot.files) : await loadModule(dir)
  diags.append(diagnostics)
  if (!module) return { diagnostics: diags.items }
  let variables: ObjectValue
  if (options.snapshot) variables = restoreVariables(module, valueOfJson(options.snapshot.variables) as ObjectValue)
  else {
    const resolved = await resolveVariables(module, { sources: options.variables, env: options.env })
    diags.append(resolved.diagnostics)
    variables = resolved.values
  }
  const reads = fileReads(module, options.snapshot)
  const evaluate = (resourceAttributes: ResourceAttributes | undefined) => {
    const built = buildConfiguration({ module, variables, resourceAttributes })
    const found = new Diagnostics()
    found.append(built.diagnostics)
    found.append(validateConfiguration(built.config))
    validateMoves(built.config, found)
    found.append(instanceTypeViolations(built.config.policy, built.config.resources))
    return { config: built.config, diagnostics: found.items }
  }
  const first = evaluate(options.resourceAttributes)
  diags.append(first.diagnostics)
  const snapshot: ConfigurationSnapshot = {
    files: options.snapshot?.files ?? module.files.map((file) => ({ name: relative(dir, resolve(file.path)), source: file.source })),
    variables: JSON.parse(canonicalJson(plainValue(variables))) as Record<string, JsonValue>,
    ...(Object.keys(reads).length > 0 ? { file_reads: { ...reads } } : {}),
  }
  return { config: first.config, diagnostics: diags.items, fingerprint: snapshotHash(snapshot), snapshot, evaluate }
}

/** The hash a plan records as config_hash, and apply recomputes from the snapshot the plan carries. */
export function snapshotHash(snapshot: ConfigurationSnapshot): string {
  const hash = createHash('sha256')
  for (const file of snapshot.files) hash.update(`${file.name}\0${file.source}\0`)
  hash.update(canonicalJson(snapshot.variables))
  hash.update(canonicalJson(snapshot.file_reads ?? {}))
  return hash.digest('hex')
}

/**
 * file() reads, keyed by path relative to the configuration directory (base64). From the disk, each read is recorded
 * for the snapshot; from a snapshot, a file it does not hold is an error, never a read of whatever is on disk now.
 */
function fileReads(module: Module, snapshot: ConfigurationSnapshot | undefined): Record<string, string> {
  const reads: Record<string, string> = { ...(snapshot?.file_reads ?? {}) }
  module.readFile = (path) => {
    const key = relative(module.dir, path)
    const held = reads[key]
    if (held !== undefined) return Buffer.from(held, 'base64')
    if (snapshot) throw Object.assign(new Error(`${path} is not in the plan's configuration snapshot`), { code: 'ENOENT' })
    const bytes = readRegularFile(path)
    reads[key] = bytes.toString('base64')
    return bytes
  }
  return reads
}

function valueOfJson(value: JsonValue): Value {
  if (Array.isArray(value)) return value.map(valueOfJson)
  if (value !== null && typeof value === 'object') return newObject(Object.entries(value).map(([k, v]) => [k, valueOfJson(v)]))
  return value
}

/** The provider block's settings alone, for commands that only need to connect (validation errors are not raised). */
export async function providerSettings(options: Pick<LoadConfigurationOptions, 'dir' | 'variables' | 'env'>): Promise<Configuration['provider']> {
  const loaded = await loadConfiguration({ dir: options.dir, variables: options.variables, env: options.env })
  return loaded.config?.provider ?? {}
}
