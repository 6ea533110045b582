// A saved plan file (`plan --out`, `apply FILE`, `show FILE`) holds the plan value as JSON, checked against
// schemas/plan.json before anything trusts it (reading and writing the file: state/plan-file.ts).
import { createRequire } from 'node:module'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import { readShippedFile } from '../util/shipped.js'
import { PLAN_FORMAT_VERSION, type Plan } from './types.js'

let validator: ValidateFunction | undefined

function planValidator(): ValidateFunction {
  if (validator) return validator
  // Loaded only to check a plan file that is read: every plan and apply imports this module, and Ajv's 80-odd files
  // cost about 50 ms of CPU to load.
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const schema = (name: string) => JSON.parse(readShippedFile(`schemas/${name}.json`)) as { $id: string }
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

/** The plan as `plan --json` and `show --json` print it: without the snapshot, whose variable values may be secret. */
export function withoutSnapshot(plan: Plan): Plan {
  const { configuration: _snapshot, ...rest } = plan
  return rest
}
