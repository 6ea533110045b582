// The manifest reference (docs/manifest-reference.md), rendered from the API model so it lists every writable
// attribute and block with its constraints, and changes only when the model does.
import { isScalar, shape, structure, type Shape } from './api.js'
import { manifestMembers } from './build.js'
import { JOB_KINDS } from './types.js'
import { MANAGED_TAG_COUNT, NAME_SUFFIX_LENGTH } from './validate.js'

const MANAGED = new Set(['TrainingJobName', 'HyperParameterTuningJobName', 'Tags'])

export function renderReference(): string {
  const out: string[] = [
    '# Manifest reference',
    '',
    'Generated from the SageMaker API model (`api/sagemaker-subset.json`) by `npm run reference`; do not edit by hand.',
    '',
    'Every member of the Create request is written in snake_case: a structure is a block, a list of structures a',
    'repeated block, a map or a list of scalars an attribute. Numbers and bools are accepted where the API takes a',
    'string (hyperparameters, range bounds) and are sent as strings.',
    '',
  ]
  for (const kind of Object.values(JOB_KINDS)) {
    const nameShape = shape(kind.nameMember)
    out.push(`## resource "${kind.type}"`, '', `Request: \`${kind.requestShape}\`.`, '')
    out.push(`- \`name\` — string, the exact ${kind.noun} name (${constraints(nameShape)}). Conflicts with \`name_prefix\`.`)
    out.push(`- \`name_prefix\` — string, default: the resource label with \`_\` as \`-\`. sageform appends \`-\` and 8 hex characters of the spec hash, so at most ${(nameShape.max ?? 0) - NAME_SUFFIX_LENGTH} characters.`)
    out.push(`- \`tags\` — map of string, at most ${(shape('TagList').max ?? 50) - MANAGED_TAG_COUNT} entries (sageform adds ${MANAGED_TAG_COUNT} of its own, \`sageform:*\`).`)
    out.push('- `depends_on` — list of resource addresses to create first, besides those referenced.')
    out.push('- `lifecycle` block — `prevent_destroy` (bool), `ignore_changes` (list of attribute paths).')
    members(kind.requestShape, 0, out, new Set())
    out.push('')
  }
  return out.join('\n')
}

function members(shapeName: string, depth: number, out: string[], path: Set<string>): void {
  const s = structure(shapeName)
  const required = new Set(s.required ?? [])
  const indent = '  '.repeat(depth)
  for (const [snake, member] of manifestMembers(shapeName)) {
    if (depth === 0 && MANAGED.has(member)) continue
    const memberShapeName = s.members[member]!.shape
    const ms = shape(memberShapeName)
    const req = required.has(member) ? ' **required**' : ''
    const itemShapeName = ms.type === 'list' ? ms.member.shape : undefined
    if (ms.type === 'structure' || (itemShapeName && shape(itemShapeName).type === 'structure')) {
      const repeated = ms.type === 'list' ? ` repeated block (${count(ms, 'block')})` : ' block'
      out.push(`${indent}- \`${snake}\`${repeated}${req}`)
      const inner = itemShapeName ?? memberShapeName
      // Recursive shapes (none today) would otherwise loop.
      if (!path.has(inner)) members(inner, depth + 1, out, new Set([...path, inner]))
    } else {
      out.push(`${indent}- \`${snake}\` — ${describe(ms)}${req}`)
    }
  }
}

function describe(s: Shape): string {
  if (s.type === 'list') return `list of ${describe(shape(s.member.shape))}${count(s, 'item') ? ` (${count(s, 'item')})` : ''}`
  if (s.type === 'map') return `map of ${describe(shape(s.value.shape))}${count(s, 'entry') ? ` (${count(s, 'entry')})` : ''}`
  const c = constraints(s)
  const type = s.type === 'integer' || s.type === 'long' ? 'whole number' : s.type === 'float' || s.type === 'double' ? 'number' : s.type === 'boolean' ? 'bool' : s.type
  return c ? `${type}, ${c}` : type
}

function count(s: Shape, noun: string): string {
  if (s.min === undefined && s.max === undefined) return ''
  const plural = noun === 'entry' ? 'entries' : `${noun}s`
  return s.max === undefined ? `at least ${s.min} ${plural}` : `${s.min ?? 0}–${s.max} ${plural}`
}

function constraints(s: Shape): string {
  if (!isScalar(s)) return ''
  const parts: string[] = []
  if (s.type === 'string') {
    if (s.enum) parts.push(s.enum.length > 12 ? `one of ${s.enum.length} values, e.g. ${s.enum.slice(0, 3).map((e) => `\`${e}\``).join(', ')}` : `one of ${s.enum.map((e) => `\`${e}\``).join(', ')}`)
    if (s.min !== undefined || s.max !== undefined) parts.push(`length ${s.min ?? 0}–${s.max ?? '∞'}`)
    if (s.pattern && s.pattern !== '.*') parts.push(`pattern \`${s.pattern.replace(/\|/g, '\\|')}\``)
  } else if (s.min !== undefined || s.max !== undefined) {
    parts.push(s.max === undefined ? `≥ ${s.min}` : `${s.min ?? '-∞'}–${s.max}`)
  }
  return parts.join(', ')
}
