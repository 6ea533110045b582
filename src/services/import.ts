// `sageform import ADDRESS JOB_NAME`: adopt an existing SageMaker job as a resource's current job. The job's request is
// read back from Describe, so the next plan either finds it identical to the configuration (no-op) or shows exactly
// what differs (a replacement).
import { createHash } from 'node:crypto'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { shape } from '../model/api.js'
import { withDefaults } from '../model/defaults.js'
import type { ApiObject, JobResource } from '../model/types.js'
import { canonicalJson, specHash } from '../planner/identity.js'
import { toJson } from '../planner/planner.js'
import type { SageMakerApi } from '../sagemaker/types.js'
import { newState } from '../state/store.js'
import type { JobRecord, JsonValue, State } from '../state/types.js'
import { lockState } from './apply.js'
import { loadConfiguration } from './configuration.js'
import { connect, type ConnectionOptions } from './connection.js'
import { referenceAttributes } from './plan.js'
import { describe } from './refresh.js'
import { openState, readStateFrom } from './state.js'
import type { VariableSource } from '../config/variables.js'

export interface ImportOptions extends ConnectionOptions {
  dir: string
  address: string
  jobName: string
  variables: VariableSource[]
  env: NodeJS.ProcessEnv
  lockTimeout: string
}

/** The `import --json` payload (schemas/import.json). */
export interface ImportResult {
  imported: boolean
  address: string
  job?: JobRecord
  /** True when the job's request equals the configuration's (the next plan is a no-op). */
  matches_configuration?: boolean
  diagnostics: Diagnostic[]
}

/** Keeps only what the Create request shape has: Describe adds statuses, timestamps and outputs. */
export function pickShape(shapeName: string, value: unknown): JsonValue | undefined {
  if (value === undefined || value === null) return undefined
  const s = shape(shapeName)
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined
      const out: Record<string, JsonValue> = {}
      for (const [member, ref] of Object.entries(s.members)) {
        const picked = pickShape(ref.shape, (value as Record<string, unknown>)[member])
        if (picked !== undefined) out[member] = picked
      }
      return out
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => pickShape(s.member.shape, v)).filter((v): v is JsonValue => v !== undefined) : undefined
    case 'map':
      return typeof value === 'object' ? (Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, pickShape(s.value.shape, v) ?? null])) as JsonValue) : undefined
    case 'timestamp':
      return undefined
    default:
      return value as JsonValue
  }
}

export async function importJob(options: ImportOptions, api?: SageMakerApi): Promise<ImportResult> {
  const diags = new Diagnostics()
  const result = (extra: Partial<ImportResult> = {}): ImportResult => ({ imported: false, address: options.address, ...extra, diagnostics: diags.items })
  const { backend, diagnostics } = await openState(options.dir)
  diags.append(diagnostics)
  if (!backend) return result()
  const lock = await lockState(backend, options.lockTimeout, 'import', diags)
  if (!lock) return result()
  try {
    const loadedState = await readStateFrom(backend)
    diags.append(loadedState.diagnostics)
    if (diags.hasErrors) return result()
    const state = loadedState.state ?? newState()
    const loaded = await loadConfiguration({ ...options, resourceAttributes: referenceAttributes(state, new Set()) })
    diags.append(loaded.diagnostics.filter((d) => d.severity === 'error'))
    if (!loaded.config || diags.hasErrors) return result()
    const resource = loaded.config.resources.find((r) => r.address === options.address)
    if (!resource) {
      diags.error('Resource not in the configuration', { detail: `${options.address} is not declared, so there is nothing to import into.`, hint: 'Add its resource block first, then import.' })
      return result()
    }
    if (state.resources[options.address]?.current) {
      diags.error('Resource already managed', { detail: `${options.address} already has job ${state.resources[options.address]!.current!.name}.`, hint: `Forget it first with sageform state rm ${options.address}.` })
      return result()
    }
    const client = api ?? (await connect(options, loaded.config.provider, diags))
    if (!client) return result()
    const live = await describe(client, resource.kind.type, options.jobName)
    if (!live) {
      diags.error('No such job', { detail: `SageMaker has no ${resource.kind.noun} named "${options.jobName}".` })
      return result()
    }
    const raw = resource.kind.family === 'training' ? await client.describeTrainingJob(options.jobName) : await client.describeTuningJob(options.jobName)
    const request = pickShape(resource.kind.requestShape, raw.found ? raw.job : undefined) as Record<string, JsonValue>
    delete request[resource.kind.nameMember]
    delete request.Tags
    const matches = sameSpec(resource, request)
    const now = new Date().toISOString()
    const job: JobRecord = {
      name: live.name,
      arn: live.arn,
      // An import that differs from the configuration gets a hash no spec can have, so the next plan replaces it.
      spec_hash: matches ? (specHash(resource, 1) as string) : `imported-${createHash('sha256').update(canonicalJson(request)).digest('hex')}`,
      status: live.status,
      created_at: live.created_at ?? now,
      updated_at: now,
      generation: 1,
      request,
      tags: Object.fromEntries(Object.entries(live.tags).filter(([k]) => !k.startsWith('sageform:'))),
      ...(live.ended_at ? { ended_at: live.ended_at } : {}),
      ...(live.failure_reason ? { failure_reason: live.failure_reason } : {}),
    }
    const next: State = { ...state, serial: state.serial + 1, resources: { ...state.resources, [options.address]: { type: resource.kind.type, current: job, history: state.resources[options.address]?.history ?? [] } } }
    await backend.write(next)
    return result({ imported: true, job, matches_configuration: matches })
  } finally {
    await lock.release()
  }
}

function sameSpec(resource: JobResource, request: Record<string, JsonValue>): boolean {
  const hash = specHash(resource, 1)
  if (typeof hash !== 'string') return false
  const desired = canonicalJson(toJson(withDefaults(resource.kind.requestShape, resource.request)))
  const actual = canonicalJson(toJson(withDefaults(resource.kind.requestShape, request as unknown as ApiObject)))
  return desired === actual
}
