// `sageform local-endpoint`: SageMaker's wire protocol on 127.0.0.1, for trying sageform (and CI pipelines) with no
// AWS account.
import { startEndpoint, type Endpoint, type EndpointOptions } from '../endpoint/server.js'

export interface LocalEndpointOptions extends Omit<EndpointOptions, 'quotas'> {
  /** `--quota NAME=VALUE`, in order (a later one wins). */
  quota?: string[]
  /** `--quota-file FILE`: a JSON object of quota name (or code) to value; --quota overrides it. */
  quotaFile?: string
}

/** Throws an Error with a message for the user when a quota override is malformed or unknown. */
export async function serveLocalEndpoint(options: LocalEndpointOptions): Promise<Endpoint> {
  const { quota, quotaFile, ...rest } = options
  return startEndpoint({ ...rest, quotas: await quotaOverrides(quota ?? [], quotaFile) })
}

async function quotaOverrides(flags: readonly string[], file: string | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  if (file !== undefined) {
    const { readFile } = await import('node:fs/promises')
    let value: unknown
    try {
      value = JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      throw new Error(`Cannot read --quota-file ${file}: ${(error as Error).message}`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`--quota-file ${file} must hold a JSON object of quota name to value, such as {"ml.m5.xlarge for training job usage": 2}.`)
    for (const [name, v] of Object.entries(value)) {
      if (typeof v !== 'number') throw new Error(`--quota-file ${file}: the value of "${name}" must be a number.`)
      out[name] = v
    }
  }
  for (const flag of flags) {
    const at = flag.lastIndexOf('=')
    const value = Number(flag.slice(at + 1))
    if (at <= 0 || flag.slice(at + 1).trim() === '' || !Number.isFinite(value)) throw new Error(`--quota must be NAME=VALUE with a number value, such as 'ml.m5.xlarge for training job usage=2'; got "${flag}".`)
    out[flag.slice(0, at).trim()] = value
  }
  return out
}
