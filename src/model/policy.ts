// The policy block: limits on what a configuration may start (instance hours, cost, instance types), evaluated like
// the provider's settings, from variables only. The planner checks resources against them (planner/policy.ts).
import { Diagnostics, suggestFrom } from '../diagnostics/index.js'
import { literalItem, type Attribute } from '../config/ast.js'
import { Evaluator, type Scope } from '../config/eval.js'
import type { Module } from '../config/module.js'
import { isUnknown, unmarkDeep, toNumberValue, toStringValue, typeName, type ObjectValue } from '../config/value.js'
import { trainingInstanceTypes } from './api.js'
import type { PolicySettings } from './types.js'

/** The policy block's limits, evaluated like the provider's settings (variables only). */
export function policySettings(module: Module, roots: Map<string, ObjectValue>, diags: Diagnostics): PolicySettings {
  const policy = module.policy!
  const settings: PolicySettings = { range: policy.block.typeRange, ranges: {} }
  for (const [name, attr] of policy.attributes) settings.ranges![name as keyof NonNullable<PolicySettings['ranges']>] = attr.expr.range
  const evaluator = new Evaluator((d) => diags.add(d), 'policy')
  const scope: Scope = { roots: new Map([['var', roots.get('var')!]]), baseDir: module.dir, readFile: module.readFile }
  const invalid = (attr: Attribute, detail: string, range = attr.expr.range, hint?: string) =>
    diags.error('Invalid policy setting', { detail, range, address: 'policy', attribute: attr.name, hint })
  for (const key of ['max_instance_hours', 'max_cost_usd'] as const) {
    const attr = policy.attributes.get(key)
    if (!attr) continue
    const value = unmarkDeep(evaluator.evaluate(attr.expr, scope))
    if (isUnknown(value) || value === null) continue
    const n = toNumberValue(value)
    if (n === undefined) invalid(attr, `"${key}" must be a number; got ${typeName(value)}.`)
    else if (!(n > 0) || !Number.isFinite(n)) invalid(attr, `"${key}" must be a number greater than 0; got ${n}.`)
    else settings[key] = n
  }
  const attr = policy.attributes.get('allowed_instance_types')
  if (attr) {
    const value = unmarkDeep(evaluator.evaluate(attr.expr, scope))
    if (isUnknown(value) || value === null) return settings
    if (!Array.isArray(value)) {
      invalid(attr, `"allowed_instance_types" must be a list of instance types, like ["ml.m5.xlarge"]; got ${typeName(value)}.`)
      return settings
    }
    const known = trainingInstanceTypes()
    const allowed: string[] = []
    value.forEach((item, i) => {
      const range = literalItem(attr.expr, i)?.range ?? attr.expr.range
      const text = isUnknown(item) ? undefined : toStringValue(item)
      if (text === undefined) invalid(attr, `allowed_instance_types[${i}] must be a string; got ${typeName(item)}.`, range)
      else if (!known.includes(text)) {
        invalid(attr, `"${text}" is not one of the ${known.length} instance types SageMaker accepts for training.`, range, suggestFrom(text, known) ?? `For example: ${known.slice(0, 5).join(', ')}.`)
      } else allowed.push(text)
    })
    // With a mistake in the list, checking resources against it would only repeat that mistake.
    if (allowed.length === value.length) settings.allowed_instance_types = allowed
  }
  return settings
}
