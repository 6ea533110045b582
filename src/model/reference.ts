// The manifest reference (docs/manifest-reference.md), rendered from the API model so it lists every writable
// attribute and block with its constraints, and changes only when the model does.
import { isScalar, MAX_WARM_START_PARENTS, shape, structure, type Shape } from './api.js'
import { memberName, spelledMembers, PROVIDER_RESOURCES, PROVIDER_RESOURCE_TYPES } from './terraform.js'
import { JOB_KINDS } from './kinds.js'
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
  for (const kind of Object.values(JOB_KINDS).filter((k) => k.spelling === 'native')) {
    const nameShape = shape(kind.nameMember)
    out.push(`## resource "${kind.type}"`, '', `Request: \`${kind.requestShape}\`.`, '')
    out.push(`- \`name\` — string, the exact ${kind.noun} name (${constraints(nameShape)}). Conflicts with \`name_prefix\`.`)
    out.push(`- \`name_prefix\` — string, default: the resource label with \`_\` as \`-\`. sageform appends \`-\` and 8 hex characters of the spec hash, so at most ${(nameShape.max ?? 0) - NAME_SUFFIX_LENGTH} characters.`)
    out.push(`- \`tags\` — map of string, at most ${(shape('TagList').max ?? 50) - MANAGED_TAG_COUNT} entries (sageform adds ${MANAGED_TAG_COUNT} of its own, \`sageform:*\`).`)
    out.push('- `depends_on` — list of resource addresses to create first, besides those referenced.')
    out.push('- `lifecycle` block — `prevent_destroy` (bool), `ignore_changes` (list of attribute paths), `retune_every` (duration: a whole number of `s`, `m`, `h` or `d`, or a sum such as `1d12h`; once the current job has completed and started that long ago (less a tolerance of a tenth, at most an hour), plan proposes a new generation of the same spec; not with a pinned `name`), `keep_generations` (number ≥ 1: finished jobs older than the newest N generations are deleted from SageMaker).')
    if (kind.requestShape === 'CreateHyperParameterTuningJobRequest') {
      out.push(`- \`warm_start_from_previous\` — bool. Each new generation warm-starts from the previous generations that Completed or were Stopped, newest first, at most ${MAX_WARM_START_PARENTS} (and only those keep_generations keeps). The type is \`IdenticalDataAndAlgorithm\` unless \`warm_start_config { warm_start_type = "TransferLearning" }\` says otherwise; the manifest then names no parents.`)
    }
    members(kind.requestShape, 0, out, new Set())
    out.push('')
  }
  providerResources(out)
  return out.join('\n')
}

/** How terraform-provider-aws's resources differ from the native ones: the rest of their spelling is the same. */
function providerResources(out: string[]): void {
  out.push('## Terraform provider resources', '')
  out.push('terraform-provider-aws\'s resources are read into the same requests, in the provider\'s spelling: the native one')
  out.push('above except where listed. The job name is pinned (there is no `name_prefix`); `depends_on` and `lifecycle` are as above.')
  for (const type of PROVIDER_RESOURCE_TYPES) {
    const resource = PROVIDER_RESOURCES[type]
    const kind = JOB_KINDS[type]
    out.push('', `### resource "${type}"`, '', `Request: \`${kind.requestShape}\`, as \`${resource.native}\`.`, '')
    out.push(`- \`${resource.nameArgument}\` **required** — the exact ${kind.noun} name, for \`name\`; also the reference attribute holding it.`)
    for (const [native, provider] of renamedPaths(kind.requestShape, [], [])) out.push(`- \`${provider}\` — for \`${native}\`.`)
    for (const [name, why] of Object.entries(resource.providerOnly)) out.push(`- \`${name}\` — accepted and ignored with a warning: ${why}`)
  }
}

/** [native path, provider path] of every member the provider spells differently, outermost first. */
function renamedPaths(shapeName: string, native: string[], provider: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const [member, ref] of Object.entries(structure(shapeName).members)) {
    if (native.length === 0 && MANAGED.has(member)) continue
    const n = [...native, memberName(shapeName, member, 'native')]
    const p = [...provider, memberName(shapeName, member, 'provider')]
    if (n.at(-1) !== p.at(-1)) out.push([n.join('.'), p.join('.')])
    const ms = shape(ref.shape)
    const inner = ms.type === 'list' ? ms.member.shape : ref.shape
    if (shape(inner).type === 'structure') out.push(...renamedPaths(inner, n, p))
  }
  return out
}

function members(shapeName: string, depth: number, out: string[], path: Set<string>): void {
  const s = structure(shapeName)
  const required = new Set(s.required ?? [])
  const indent = '  '.repeat(depth)
  for (const [snake, member] of spelledMembers(shapeName, 'native')) {
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
