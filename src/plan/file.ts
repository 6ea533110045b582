// A saved plan file (`plan --out`, `apply FILE`, `show FILE`): the plan value as JSON, checked against schemas/plan.json
// before anything trusts it. A file that is not a plan of this format is one clear diagnostic, never a crash later.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { Diagnostic } from '../diagnostics/index.js'
import { writeAtomic } from '../state/store.js'
import { PLAN_FORMAT_VERSION, type Plan } from './types.js'

let validator: ValidateFunction | undefined

function planValidator(): ValidateFunction {
  if (validator) return validator
  const schema = (name: string) => JSON.parse(readFileSync(new URL(`../../schemas/${name}.json`, import.meta.url), 'utf8')) as { $id: string }
  const ajv = new Ajv2020({ allErrors: false, strict: true })
  ajv.addSchema(schema('diagnostic'))
  const plan = schema('plan')
  ajv.addSchema(plan)
  validator = ajv.getSchema(`${plan.$id}#/$defs/plan`)!
  return validator
}

/** Why `value` is not a plan of schemas/plan.json ($defs/plan), or undefined when it is one. */
export function planShapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || (value as Plan).format_version !== PLAN_FORMAT_VERSION) return `it is not a sageform plan of format ${PLAN_FORMAT_VERSION}`
  const check = planValidator()
  if (check(value)) return undefined
  const first = check.errors?.[0]
  return `it does not match schemas/plan.json: ${first?.instancePath || '(the plan)'} ${first?.message ?? 'is invalid'}`
}

export async function readPlanFile(path: string): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
  const refuse = (detail: string): { diagnostics: Diagnostic[] } => ({
    diagnostics: [{ severity: 'error', summary: 'Cannot use the saved plan', detail: `${path}: ${detail}`, hint: 'Make a plan file with sageform plan --out FILE, and apply it unchanged.' }],
  })
  let value: unknown
  try {
    value = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    return refuse((error as Error).message)
  }
  const problem = planShapeProblem(value)
  return problem ? refuse(problem) : { plan: value as Plan, diagnostics: [] }
}

/** Writes a plan for a later `apply FILE`, with the configuration snapshot apply evaluates (owner-readable only). */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await writeAtomic(path, JSON.stringify(plan, null, 2) + '\n')
}

/** The plan as `plan --json` and `show --json` print it: without the snapshot, whose variable values may be secret. */
export function withoutSnapshot(plan: Plan): Plan {
  const { configuration: _snapshot, ...rest } = plan
  return rest
}
