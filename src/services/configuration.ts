// Loads a configuration directory into the typed model: parse, decode, resolve variables, evaluate, map to the API.
import { resolve } from 'node:path'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { loadModule } from '../config/module.js'
import { resolveVariables, type VariableSource } from '../config/variables.js'
import { buildConfiguration, type BuildOptions } from '../model/build.js'
import type { Configuration } from '../model/types.js'
import { validateConfiguration } from '../model/validate.js'

export interface LoadConfigurationOptions {
  dir: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  resourceAttributes?: BuildOptions['resourceAttributes']
}

export interface LoadedConfiguration {
  config?: Configuration
  diagnostics: Diagnostic[]
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
  return { config: built.config, diagnostics: diags.items }
}
