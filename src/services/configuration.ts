// Loads a configuration directory into the typed model: parse, decode, resolve variables, evaluate, map to the API.
import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { loadModule } from '../config/module.js'
import { resolveVariables, type VariableSource } from '../config/variables.js'
import { buildConfiguration, type BuildOptions } from '../model/build.js'
import type { Configuration, ProviderSettings } from '../model/types.js'
import { validateConfiguration } from '../model/validate.js'
import { validateMoves } from '../model/moves.js'
import { canonicalJson } from '../planner/identity.js'
import { instanceTypeViolations } from '../planner/policy.js'

export interface LoadConfigurationOptions {
  dir: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  resourceAttributes?: BuildOptions['resourceAttributes']
}

export interface LoadedConfiguration {
  config?: Configuration
  diagnostics: Diagnostic[]
  /** sha256 of every manifest and the variable values: a saved plan is applied only to the same configuration. */
  fingerprint?: string
}

export async function loadConfiguration(options: LoadConfigurationOptions): Promise<LoadedConfiguration> {
  const diags = new Diagnostics()
  const { module, diagnostics } = await loadModule(resolve(options.dir))
  diags.append(diagnostics)
  if (!module) return { diagnostics: diags.items }
  const variables = await resolveVariables(module, { sources: options.variables, env: options.env })
  diags.append(variables.diagnostics)
  const built = buildConfiguration({ module, variables: variables.values, resourceAttributes: options.resourceAttributes })
  diags.append(built.diagnostics)
  diags.append(validateConfiguration(built.config))
  validateMoves(built.config, diags)
  diags.append(instanceTypeViolations(built.config.policy, built.config.resources))
  const fingerprint = createHash('sha256')
  for (const file of module.files) fingerprint.update(`${file.path}\0${file.source}\0`)
  fingerprint.update(canonicalJson(variables.values))
  return { config: built.config, diagnostics: diags.items, fingerprint: fingerprint.digest('hex') }
}

/** The provider block's settings alone, for commands that only need to connect (validation errors are not raised). */
export async function providerSettings(options: Pick<LoadConfigurationOptions, 'dir' | 'variables' | 'env'>): Promise<ProviderSettings> {
  const loaded = await loadConfiguration({ dir: options.dir, variables: options.variables, env: options.env })
  return loaded.config?.provider ?? {}
}
