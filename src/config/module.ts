// A configuration is every manifest file in one directory. This decodes their top-level blocks into declarations;
// values are evaluated later, once variables are known.
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { didYouMean, Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import type { Attribute, Block, Body, ConfigFile, Expr } from './ast.js'
import { parseHcl } from './parse.js'

export const RESOURCE_TYPES = ['sagemaker_training_job', 'sagemaker_hyperparameter_tuning_job'] as const
export type ResourceType = (typeof RESOURCE_TYPES)[number]

const TOP_LEVEL_BLOCKS: Record<string, number> = { variable: 1, locals: 0, output: 1, provider: 1, policy: 0, resource: 2 }
const PROVIDER_ATTRIBUTES = ['region', 'profile', 'endpoint']
const LIFECYCLE_ATTRIBUTES = ['prevent_destroy', 'ignore_changes']
export const POLICY_ATTRIBUTES = ['max_instance_hours', 'max_cost_usd', 'allowed_instance_types'] as const
/** Files that hold variable values (for --var-file), not configuration. */
export const VARIABLE_FILE_SUFFIX = '.vars.hcl'

export interface VariableDecl {
  name: string
  type?: Expr
  default?: Expr
  description?: string
  sensitive: boolean
  nullable: boolean
  validations: Array<{ condition: Expr; errorMessage?: Expr; range: SourceRange }>
  file: ConfigFile
  range: SourceRange
}

export interface OutputDecl {
  name: string
  value?: Expr
  description?: string
  sensitive: boolean
  file: ConfigFile
  range: SourceRange
}

export interface ResourceDecl {
  type: ResourceType
  label: string
  address: string
  /** The resource body without `lifecycle` and `depends_on`, which are sageform's own, not SageMaker's. */
  body: Body
  lifecycle?: { preventDestroy?: Attribute; ignoreChanges?: Attribute; block: Block }
  dependsOn?: Attribute
  file: ConfigFile
  block: Block
}

export interface ProviderDecl {
  attributes: Map<string, Attribute>
  file: ConfigFile
  block: Block
}

/** The guard rails of a configuration: limits every plan is checked against (src/planner/policy.ts). */
export interface PolicyDecl {
  attributes: Map<string, Attribute>
  file: ConfigFile
  block: Block
}

export interface Module {
  dir: string
  files: ConfigFile[]
  variables: Map<string, VariableDecl>
  locals: Map<string, { attribute: Attribute; file: ConfigFile }>
  outputs: Map<string, OutputDecl>
  provider?: ProviderDecl
  policy?: PolicyDecl
  resources: Map<string, ResourceDecl>
}

/** Manifest files of a directory, sorted so diagnostics and plans come out in the same order on every machine. */
export async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.hcl') && !e.name.endsWith(VARIABLE_FILE_SUFFIX))
    .map((e) => e.name)
    .sort()
}

export async function loadModule(dir: string, displayBase = process.cwd()): Promise<{ module?: Module; diagnostics: Diagnostic[] }> {
  const diags = new Diagnostics()
  let names: string[]
  try {
    names = await manifestFiles(dir)
  } catch (error) {
    diags.error('Cannot read configuration directory', { detail: `${dir}: ${(error as NodeJS.ErrnoException).message}`, hint: 'Pass an existing directory with -C/--chdir.' })
    return { diagnostics: diags.items }
  }
  if (names.length === 0) {
    diags.error('No configuration files', { detail: `The directory ${dir} has no *.hcl files.`, hint: 'Run sageform in the directory that holds your manifests, or pass -C DIR.' })
    return { diagnostics: diags.items }
  }
  const files: ConfigFile[] = []
  const parsed = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name)
      return parseHcl(relative(displayBase, path) || name, await readFile(path, 'utf8'))
    }),
  )
  for (const result of parsed) {
    diags.append(result.diagnostics)
    if (result.file) files.push(result.file)
  }
  const module: Module = { dir, files, variables: new Map(), locals: new Map(), outputs: new Map(), resources: new Map() }
  for (const file of files) decodeFile(file, module, diags)
  return { module, diagnostics: diags.items }
}

function decodeFile(file: ConfigFile, module: Module, diags: Diagnostics): void {
  for (const attr of file.body.attributes) {
    diags.error('Unexpected attribute', {
      detail: `An attribute "${attr.name}" is not expected at the top level of a configuration.`,
      range: attr.nameRange,
      hint: 'Top-level content is blocks: variable, locals, output, provider, policy and resource.',
    })
  }
  for (const block of file.body.blocks) {
    const labelCount = TOP_LEVEL_BLOCKS[block.type]
    if (labelCount === undefined) {
      const suggestion = didYouMean(block.type, Object.keys(TOP_LEVEL_BLOCKS))
      diags.error('Unsupported block type', {
        detail: `Blocks of type "${block.type}" are not expected here.`,
        range: block.typeRange,
        hint: suggestion ? `Did you mean "${suggestion}"?` : 'Top-level blocks are variable, locals, output, provider, policy and resource.',
      })
      continue
    }
    if (block.labels.length !== labelCount) {
      const want = labelCount === 0 ? 'no labels' : labelCount === 1 ? 'one label (its name)' : 'two labels (type and name)'
      diags.error(`Wrong number of labels on ${block.type} block`, {
        detail: `A ${block.type} block takes ${want}; found ${block.labels.length}.`,
        range: block.headerRange,
        hint: block.type === 'resource' ? 'Write resource "sagemaker_training_job" "name" { ... }.' : undefined,
      })
      continue
    }
    if (block.type === 'variable') decodeVariable(block, file, module, diags)
    else if (block.type === 'locals') decodeLocals(block, file, module, diags)
    else if (block.type === 'output') decodeOutput(block, file, module, diags)
    else if (block.type === 'provider') decodeProvider(block, file, module, diags)
    else if (block.type === 'policy') decodePolicy(block, file, module, diags)
    else decodeResource(block, file, module, diags)
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/

function checkName(kind: string, label: { value: string; range: SourceRange }, diags: Diagnostics): boolean {
  if (IDENTIFIER.test(label.value)) return true
  diags.error(`Invalid ${kind} name`, {
    detail: `"${label.value}" is not a valid name: names start with a letter or underscore and contain only letters, digits, underscores and dashes.`,
    range: label.range,
  })
  return false
}

/** Reports attributes and blocks a fixed-shape block does not accept, with a did-you-mean hint. */
export function checkBodyShape(
  body: Body,
  what: string,
  allowed: { attributes: readonly string[]; blocks: readonly string[] },
  diags: Diagnostics,
  address?: string,
): Map<string, Attribute> {
  const seen = new Map<string, Attribute>()
  for (const attr of body.attributes) {
    if (!allowed.attributes.includes(attr.name)) {
      const suggestion = didYouMean(attr.name, [...allowed.attributes, ...allowed.blocks])
      diags.error('Unsupported argument', {
        detail: `An argument named "${attr.name}" is not expected in ${what}.`,
        range: attr.nameRange,
        address,
        hint: suggestion ? `Did you mean "${suggestion}"?` : `Expected: ${allowed.attributes.join(', ') || 'none'}.`,
      })
    } else if (seen.has(attr.name)) {
      diags.error('Duplicate argument', { detail: `The argument "${attr.name}" was already set at line ${seen.get(attr.name)!.range.start.line}.`, range: attr.nameRange, address })
    } else seen.set(attr.name, attr)
  }
  for (const block of body.blocks) {
    if (!allowed.blocks.includes(block.type)) {
      const suggestion = didYouMean(block.type, [...allowed.blocks, ...allowed.attributes])
      diags.error('Unsupported block type', {
        detail: `Blocks of type "${block.type}" are not expected in ${what}.`,
        range: block.typeRange,
        address,
        hint: suggestion ? `Did you mean "${suggestion}"?` : undefined,
      })
    }
  }
  return seen
}

function constantString(attr: Attribute | undefined, diags: Diagnostics): string | undefined {
  if (!attr) return undefined
  if (attr.expr.kind === 'literal' && typeof attr.expr.value === 'string') return attr.expr.value
  if (attr.expr.kind === 'template' && attr.expr.parts.every((p) => p.kind === 'text')) return attr.expr.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('')
  diags.error('Invalid value', { detail: `"${attr.name}" must be a literal string.`, range: attr.expr.range })
  return undefined
}

function constantBool(attr: Attribute | undefined, diags: Diagnostics): boolean | undefined {
  if (!attr) return undefined
  if (attr.expr.kind === 'literal' && typeof attr.expr.value === 'boolean') return attr.expr.value
  diags.error('Invalid value', { detail: `"${attr.name}" must be the literal true or false.`, range: attr.expr.range })
  return undefined
}

function decodeVariable(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const label = block.labels[0]!
  if (!checkName('variable', label, diags)) return
  const address = `var.${label.value}`
  const attrs = checkBodyShape(block.body, 'a variable block', { attributes: ['type', 'default', 'description', 'sensitive', 'nullable'], blocks: ['validation'] }, diags, address)
  if (module.variables.has(label.value)) {
    diags.error('Duplicate variable declaration', { detail: `A variable named "${label.value}" was already declared.`, range: label.range, address })
    return
  }
  const validations = block.body.blocks
    .filter((b) => b.type === 'validation')
    .flatMap((b) => {
      const v = checkBodyShape(b.body, 'a validation block', { attributes: ['condition', 'error_message'], blocks: [] }, diags, address)
      const condition = v.get('condition')
      if (!condition) {
        diags.error('Missing required argument', { detail: 'A validation block needs a "condition".', range: b.headerRange, address })
        return []
      }
      return [{ condition: condition.expr, errorMessage: v.get('error_message')?.expr, range: condition.expr.range }]
    })
  module.variables.set(label.value, {
    name: label.value,
    type: attrs.get('type')?.expr,
    default: attrs.get('default')?.expr,
    description: constantString(attrs.get('description'), diags),
    sensitive: constantBool(attrs.get('sensitive'), diags) ?? false,
    nullable: constantBool(attrs.get('nullable'), diags) ?? true,
    validations,
    file,
    range: label.range,
  })
}

function decodeLocals(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  for (const nested of block.body.blocks) {
    diags.error('Unexpected block in locals', { detail: `A locals block holds only attributes; "${nested.type}" is a block.`, range: nested.typeRange })
  }
  for (const attribute of block.body.attributes) {
    const existing = module.locals.get(attribute.name)
    if (existing) {
      diags.error('Duplicate local value definition', {
        detail: `A local value named "${attribute.name}" was already defined at ${existing.file.path}:${existing.attribute.range.start.line}.`,
        range: attribute.nameRange,
        address: `local.${attribute.name}`,
      })
    } else module.locals.set(attribute.name, { attribute, file })
  }
}

function decodeOutput(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const label = block.labels[0]!
  if (!checkName('output', label, diags)) return
  const address = `output.${label.value}`
  const attrs = checkBodyShape(block.body, 'an output block', { attributes: ['value', 'description', 'sensitive'], blocks: [] }, diags, address)
  if (module.outputs.has(label.value)) {
    diags.error('Duplicate output definition', { detail: `An output named "${label.value}" was already defined.`, range: label.range, address })
    return
  }
  if (!attrs.has('value')) diags.error('Missing required argument', { detail: 'An output block needs a "value".', range: block.headerRange, address })
  module.outputs.set(label.value, {
    name: label.value,
    value: attrs.get('value')?.expr,
    description: constantString(attrs.get('description'), diags),
    sensitive: constantBool(attrs.get('sensitive'), diags) ?? false,
    file,
    range: label.range,
  })
}

function decodeProvider(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const label = block.labels[0]!
  if (label.value !== 'sagemaker') {
    diags.error('Unsupported provider', { detail: `sageform has one provider, "sagemaker"; got "${label.value}".`, range: label.range, hint: 'Write provider "sagemaker" { region = "..." }.' })
    return
  }
  const attributes = checkBodyShape(block.body, 'the provider block', { attributes: PROVIDER_ATTRIBUTES, blocks: [] }, diags, 'provider.sagemaker')
  if (module.provider) {
    diags.error('Duplicate provider configuration', { detail: 'The sagemaker provider is already configured.', range: block.headerRange })
    return
  }
  module.provider = { attributes, file, block }
}

function decodePolicy(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const attributes = checkBodyShape(block.body, 'the policy block', { attributes: POLICY_ATTRIBUTES, blocks: [] }, diags, 'policy')
  if (module.policy) {
    diags.error('Duplicate policy block', {
      detail: `A configuration takes at most one policy block; the first is at ${module.policy.file.path}:${module.policy.block.range.start.line}.`,
      range: block.typeRange,
      address: 'policy',
    })
    return
  }
  module.policy = { attributes, file, block }
}

function decodeResource(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const [typeLabel, nameLabel] = block.labels as [Block['labels'][0], Block['labels'][0]]
  if (!(RESOURCE_TYPES as readonly string[]).includes(typeLabel.value)) {
    const suggestion = didYouMean(typeLabel.value, RESOURCE_TYPES)
    diags.error('Unsupported resource type', {
      detail: `sageform manages ${RESOURCE_TYPES.join(' and ')}; "${typeLabel.value}" is not one of them.`,
      range: typeLabel.range,
      hint: suggestion ? `Did you mean "${suggestion}"?` : undefined,
    })
    return
  }
  if (!checkName('resource', nameLabel, diags)) return
  const address = `${typeLabel.value}.${nameLabel.value}`
  if (module.resources.has(address)) {
    const first = module.resources.get(address)!
    diags.error('Duplicate resource', {
      detail: `A resource ${address} was already declared at ${first.file.path}:${first.block.range.start.line}.`,
      range: nameLabel.range,
      address,
    })
    return
  }
  const lifecycleBlocks = block.body.blocks.filter((b) => b.type === 'lifecycle')
  for (const extra of lifecycleBlocks.slice(1)) diags.error('Duplicate lifecycle block', { detail: 'A resource takes at most one lifecycle block.', range: extra.typeRange, address })
  const lifecycleBlock = lifecycleBlocks[0]
  const lifecycleAttrs = lifecycleBlock ? checkBodyShape(lifecycleBlock.body, 'a lifecycle block', { attributes: LIFECYCLE_ATTRIBUTES, blocks: [] }, diags, address) : undefined
  const dependsOn = block.body.attributes.find((a) => a.name === 'depends_on')
  module.resources.set(address, {
    type: typeLabel.value as ResourceType,
    label: nameLabel.value,
    address,
    body: {
      attributes: block.body.attributes.filter((a) => a !== dependsOn),
      blocks: block.body.blocks.filter((b) => b.type !== 'lifecycle'),
      range: block.body.range,
    },
    lifecycle: lifecycleBlock && {
      block: lifecycleBlock,
      preventDestroy: lifecycleAttrs!.get('prevent_destroy'),
      ignoreChanges: lifecycleAttrs!.get('ignore_changes'),
    },
    dependsOn,
    file,
    block,
  })
}
