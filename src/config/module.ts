// A configuration is every manifest file in one directory. This decodes their top-level blocks into declarations;
// values are evaluated later, once variables are known.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { didYouMean, Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import type { Attribute, Block, Body, ConfigFile, Expr } from './ast.js'
import { parseHclFiles } from './parse.js'
import { exprAddress, formatAddress, type ParsedAddress } from './address.js'

export const NATIVE_RESOURCE_TYPES = ['sagemaker_training_job', 'sagemaker_hyperparameter_tuning_job'] as const
/** terraform-provider-aws's two job resources, read into the same model as the native ones (src/model/terraform.ts). */
export const PROVIDER_RESOURCE_TYPES = ['aws_sagemaker_training_job', 'aws_sagemaker_hyper_parameter_tuning_job'] as const
export const RESOURCE_TYPES = [...NATIVE_RESOURCE_TYPES, ...PROVIDER_RESOURCE_TYPES] as const
export type ResourceType = (typeof RESOURCE_TYPES)[number]

/** What a resource type runs, whichever spelling it is written in: code that calls SageMaker asks this, not the type. */
export type JobFamily = 'training' | 'tuning'
const FAMILIES: Record<ResourceType, JobFamily> = {
  sagemaker_training_job: 'training',
  aws_sagemaker_training_job: 'training',
  sagemaker_hyperparameter_tuning_job: 'tuning',
  aws_sagemaker_hyper_parameter_tuning_job: 'tuning',
}
export function jobFamily(type: ResourceType): JobFamily {
  return FAMILIES[type]
}

const TOP_LEVEL_BLOCKS: Record<string, number> = { variable: 1, locals: 0, output: 1, provider: 1, policy: 0, resource: 2, backend: 1, moved: 0, import: 0 }
const PROVIDER_ATTRIBUTES = ['region', 'profile', 'endpoint']
/** Arguments of provider "aws" that mean the same as sageform's own provider settings; the rest are ignored. */
export const AWS_PROVIDER_ATTRIBUTES = ['region', 'profile']
/**
 * Terraform's block types sageform has no use for. A configuration written for Terraform keeps them, so they are
 * skipped with a warning, like providers and resource types sageform does not manage.
 */
const TERRAFORM_BLOCKS = ['terraform', 'data', 'ephemeral', 'module', 'removed', 'check']
/** Reference roots that only Terraform gives values to: `data.x.y`, `module.m.out`, `terraform.workspace`. */
const TERRAFORM_ROOTS: Record<string, string> = {
  data: 'a data source',
  ephemeral: 'an ephemeral resource',
  module: 'a module output',
  terraform: "one of Terraform's own values",
}
const LIFECYCLE_ATTRIBUTES = ['prevent_destroy', 'ignore_changes', 'retune_every', 'keep_generations']
export const POLICY_ATTRIBUTES = ['max_instance_hours', 'max_cost_usd', 'allowed_instance_types'] as const
const S3_BACKEND_ATTRIBUTES = ['bucket', 'key', 'region', 'endpoint', 'use_path_style', 'profile']
const BACKEND_LITERAL_HINT = 'The backend is read before variables and references are evaluated (as in Terraform), so write the value itself.'
/** Files that hold variable values (for --var-file), not configuration. */
export const VARIABLE_FILE_SUFFIX = '.vars.hcl'
/** Manifests are sageform's *.hcl and Terraform's *.tf (*.tfvars, like *.vars.hcl, holds values: pass it with --var-file). */
const MANIFEST_SUFFIXES = ['.hcl', '.tf']

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
  /** The resource body without `lifecycle`, `depends_on`, `count` and `for_each`, which are not SageMaker's. */
  body: Body
  /** Terraform's meta-arguments: one instance per number (`count`) or per key (`for_each`); at most one of them. */
  count?: Attribute
  forEach?: Attribute
  lifecycle?: { preventDestroy?: Attribute; ignoreChanges?: Attribute; retuneEvery?: Attribute; keepGenerations?: Attribute; block: Block }
  dependsOn?: Attribute
  file: ConfigFile
  block: Block
}

/** `moved { from = ..., to = ... }`: the job recorded under `from` now belongs to `to` (src/planner/moves.ts). */
export interface MovedDecl {
  from: ParsedAddress
  to: ParsedAddress
  file: ConfigFile
  range: SourceRange
}

/** `import { to = ..., id = "job-name" }`: adopt an existing job as the current job of `to` (Terraform 1.5+). */
export interface ImportDecl {
  /** The target: a resource or an instance address; with for_each, the key may be an expression of `each`. */
  to: Expr
  id: Expr
  forEach?: Attribute
  file: ConfigFile
  range: SourceRange
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

/** `backend "s3"`: the state is an object in S3, shared by every run that names the same bucket and key. */
export interface S3BackendSettings {
  bucket: string
  key: string
  region?: string
  /** An S3-compatible endpoint URL (MinIO, LocalStack); without it, the SDK's (AWS_ENDPOINT_URL_S3, then AWS's). */
  endpoint?: string
  usePathStyle?: boolean
  profile?: string
}

export interface BackendDecl {
  /** Absent when the block has errors, which `errors` lists: the state's location is then unknown. */
  settings?: S3BackendSettings
  errors: Diagnostic[]
  file: ConfigFile
  block: Block
}

/** A block sageform skipped, kept so that a reference into it can say so. */
export interface SkippedBlock {
  /** What a reference would point into, e.g. `a resource sageform does not manage`. */
  what: string
  range?: SourceRange
}

export interface Module {
  dir: string
  files: ConfigFile[]
  variables: Map<string, VariableDecl>
  locals: Map<string, { attribute: Attribute; file: ConfigFile }>
  outputs: Map<string, OutputDecl>
  provider?: ProviderDecl
  policy?: PolicyDecl
  backend?: BackendDecl
  resources: Map<string, ResourceDecl>
  moved: MovedDecl[]
  imports: ImportDecl[]
  /** By reference root: a skipped resource type (`aws_iam_role`), or `data`, `module`, ... (Terraform's own roots). */
  skipped: Map<string, SkippedBlock>
  /** provider "aws", whose region and profile apply when there is no provider "sagemaker". */
  awsProvider?: ProviderDecl
  /** How file() reads, by absolute path: the disk when absent (a saved plan's snapshot supplies its own). */
  readFile?: (path: string) => Buffer
}

/** A manifest's text, by file name within the configuration directory. */
export interface ManifestSource {
  name: string
  source: string
}

/**
 * Manifest files of a directory, sorted so diagnostics and plans come out in the same order on every machine. A
 * symbolic link counts as what it points to (`main.hcl -> ../shared/jobs.hcl` is a manifest); one that points nowhere
 * is listed too, so that reading it reports the broken link instead of silently planning without its resources.
 */
export async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const named = entries.filter((e) => MANIFEST_SUFFIXES.some((suffix) => e.name.endsWith(suffix)) && !e.name.endsWith(VARIABLE_FILE_SUFFIX))
  const kept = await Promise.all(named.map(async (e) => e.isFile() || (e.isSymbolicLink() && !(await isDirectory(join(dir, e.name))))))
  return named.filter((_, i) => kept[i]).map((e) => e.name).sort()
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false)
}

/**
 * A manifest's text. Only a regular file (or a link to one) is read: a FIFO or a device would block or never end.
 * Throws ManifestUnreadable with one sentence saying why.
 */
export async function readManifest(path: string): Promise<string> {
  let kind
  try {
    kind = await stat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ManifestUnreadable(code === 'ENOENT' ? `${path} is a symbolic link to a file that does not exist.` : `${path} cannot be read: ${(error as Error).message}`)
  }
  if (!kind.isFile()) throw new ManifestUnreadable(`${path} is not a regular file.`)
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new ManifestUnreadable(`${path} cannot be read: ${(error as Error).message}`)
  }
}

export class ManifestUnreadable extends Error {
  override readonly name = 'ManifestUnreadable'
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
    diags.error('No configuration files', { detail: `The directory ${dir} has no *.hcl or *.tf files.`, hint: 'Run sageform in the directory that holds your manifests, or pass -C DIR.' })
    return { diagnostics: diags.items }
  }
  const unreadable: Diagnostic[] = []
  const read = await Promise.all(
    names.map(async (name) => {
      try {
        return { name, source: await readManifest(join(dir, name)) }
      } catch (error) {
        if (!(error instanceof ManifestUnreadable)) throw error
        const start = { line: 1, column: 1, byte: 0 }
        const file = relative(displayBase, join(dir, name)) || name
        unreadable.push({ severity: 'error', summary: 'Cannot read configuration file', detail: error.message, range: { file, start, end: start }, hint: 'Fix or remove the link; a configuration with a file missing would plan without its resources.' })
        return undefined
      }
    }),
  )
  const loaded = await moduleFromSources(dir, read.filter((r) => r !== undefined), displayBase)
  return { ...loaded, diagnostics: [...unreadable, ...loaded.diagnostics] }
}

/** Parses and decodes manifests already read (from the directory, or from the snapshot a saved plan carries). */
export async function moduleFromSources(dir: string, sources: readonly ManifestSource[], displayBase = process.cwd()): Promise<{ module?: Module; diagnostics: Diagnostic[] }> {
  const diags = new Diagnostics()
  const files: ConfigFile[] = []
  const parsed = await parseHclFiles(sources.map(({ name, source }) => ({ path: relative(displayBase, join(dir, name)) || name, source })))
  for (const result of parsed) {
    diags.append(result.diagnostics)
    if (result.file) files.push(result.file)
  }
  const module: Module = { dir, files, variables: new Map(), locals: new Map(), outputs: new Map(), resources: new Map(), moved: [], imports: [], skipped: new Map() }
  for (const root of Object.keys(TERRAFORM_ROOTS)) module.skipped.set(root, { what: TERRAFORM_ROOTS[root]! })
  for (const file of files) decodeFile(file, module, diags)
  adoptAwsProvider(module, diags)
  return { module, diagnostics: diags.items }
}

function decodeFile(file: ConfigFile, module: Module, diags: Diagnostics): void {
  for (const attr of file.body.attributes) {
    diags.error('Unexpected attribute', {
      detail: `An attribute "${attr.name}" is not expected at the top level of a configuration.`,
      range: attr.nameRange,
      hint: 'Top-level content is blocks: variable, locals, output, provider, policy, backend, resource, moved and import.',
    })
  }
  for (const block of file.body.blocks) {
    const labelCount = TOP_LEVEL_BLOCKS[block.type]
    if (labelCount === undefined && TERRAFORM_BLOCKS.includes(block.type)) {
      skip(block, `sageform does not read ${block.type} blocks.`, diags)
      continue
    }
    if (labelCount === undefined) {
      const suggestion = didYouMean(block.type, Object.keys(TOP_LEVEL_BLOCKS))
      diags.error('Unsupported block type', {
        detail: `Blocks of type "${block.type}" are not expected here.`,
        range: block.typeRange,
        hint: suggestion ? `Did you mean "${suggestion}"?` : 'Top-level blocks are variable, locals, output, provider, policy, backend, resource, moved and import.',
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
    else if (block.type === 'backend') decodeBackend(block, file, module, diags)
    else if (block.type === 'moved') decodeMoved(block, file, module, diags)
    else if (block.type === 'import') decodeImport(block, file, module, diags)
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

function constantString(attr: Attribute | undefined, diags: Diagnostics, hint?: string): string | undefined {
  if (!attr) return undefined
  if (attr.expr.kind === 'literal' && typeof attr.expr.value === 'string') return attr.expr.value
  if (attr.expr.kind === 'template' && attr.expr.parts.every((p) => p.kind === 'text')) return attr.expr.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('')
  diags.error('Invalid value', { detail: `"${attr.name}" must be a literal string.`, range: attr.expr.range, hint })
  return undefined
}

function constantBool(attr: Attribute | undefined, diags: Diagnostics, hint?: string): boolean | undefined {
  if (!attr) return undefined
  if (attr.expr.kind === 'literal' && typeof attr.expr.value === 'boolean') return attr.expr.value
  diags.error('Invalid value', { detail: `"${attr.name}" must be the literal true or false.`, range: attr.expr.range, hint })
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

/** One warning per block sageform leaves to Terraform: the configuration stays usable with both tools. */
function skip(block: Block, detail: string, diags: Diagnostics): void {
  const header = [block.type, ...block.labels.map((l) => `"${l.value}"`)].join(' ')
  diags.warning('Block skipped', { detail: `${detail} ${header} is skipped.`, range: block.typeRange })
}

function decodeProvider(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const label = block.labels[0]!
  if (label.value === 'aws') return decodeAwsProvider(block, file, module, diags)
  // A provider named almost like one sageform reads is a typo, not another tool's provider.
  const suggestion = didYouMean(label.value, ['sagemaker', 'aws'])
  if (label.value !== 'sagemaker' && !suggestion) return skip(block, `sageform reads only provider "sagemaker" and the region of provider "aws".`, diags)
  if (label.value !== 'sagemaker') {
    diags.error('Unsupported provider', { detail: `sageform reads provider "sagemaker" (or the region of provider "aws"); got "${label.value}".`, range: label.range, hint: `Did you mean "${suggestion}"?` })
    return
  }
  const attributes = checkBodyShape(block.body, 'the provider block', { attributes: PROVIDER_ATTRIBUTES, blocks: [] }, diags, 'provider.sagemaker')
  if (module.provider) {
    diags.error('Duplicate provider configuration', { detail: 'The sagemaker provider is already configured.', range: block.headerRange })
    return
  }
  module.provider = { attributes, file, block }
}

/** Terraform's provider "aws": its region and profile mean what sageform's do; nothing else of it applies to jobs. */
function decodeAwsProvider(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  // Resources sageform reads name no provider, so only the default configuration would apply to them.
  if (block.body.attributes.some((a) => a.name === 'alias')) return skip(block, 'sageform reads only the default provider "aws" configuration, the one without an alias.', diags)
  if (module.awsProvider) {
    diags.error('Duplicate provider configuration', { detail: 'provider "aws" is already configured.', range: block.headerRange })
    return
  }
  const ignored = (name: string, range: SourceRange) =>
    diags.warning('Provider setting ignored', {
      detail: `sageform reads only ${AWS_PROVIDER_ATTRIBUTES.join(' and ')} from provider "aws"; "${name}" is ignored.`,
      range,
      address: 'provider.aws',
      hint: name === 'default_tags' ? 'Write the tags into each resource\'s tags.' : undefined,
    })
  const attributes = new Map<string, Attribute>()
  for (const attr of block.body.attributes) {
    if (AWS_PROVIDER_ATTRIBUTES.includes(attr.name)) attributes.set(attr.name, attr)
    else ignored(attr.name, attr.nameRange)
  }
  for (const nested of block.body.blocks) ignored(nested.type, nested.typeRange)
  module.awsProvider = { attributes, file, block }
}

/** provider "sagemaker" wins; without one, provider "aws" says where jobs run. */
function adoptAwsProvider(module: Module, diags: Diagnostics): void {
  const aws = module.awsProvider
  if (!aws) return
  if (!module.provider) module.provider = aws
  else diags.warning('Provider ignored', { detail: 'provider "sagemaker" is configured, so provider "aws" is not read.', range: aws.block.typeRange, address: 'provider.aws' })
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

function decodeBackend(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const errors = new Diagnostics()
  const settings = decodeS3Settings(block, errors)
  diags.append(errors.items)
  if (module.backend) {
    const first = module.backend
    const duplicate: Diagnostic = {
      severity: 'error',
      summary: 'Duplicate backend configuration',
      detail: `A configuration takes at most one backend block; the first is at ${first.file.path}:${first.block.range.start.line}.`,
      range: block.typeRange,
    }
    diags.add(duplicate)
    // Two blocks leave the state's location in doubt, so neither is used.
    module.backend = { errors: [...first.errors, duplicate], file: first.file, block: first.block }
    return
  }
  module.backend = { settings: errors.hasErrors ? undefined : settings, errors: errors.items, file, block }
}

function decodeS3Settings(block: Block, errors: Diagnostics): S3BackendSettings | undefined {
  const label = block.labels[0]!
  if (label.value !== 's3') {
    errors.error('Unsupported backend type', {
      detail: `sageform supports one backend, "s3"; got "${label.value}". Without a backend block the state is the local file sageform.state.json.`,
      range: label.range,
      hint: 'Write backend "s3" { bucket = "...", key = "...", region = "..." }.',
    })
    return undefined
  }
  const attrs = checkBodyShape(block.body, 'the backend "s3" block', { attributes: S3_BACKEND_ATTRIBUTES, blocks: [] }, errors)
  const text = (name: string) => constantString(attrs.get(name), errors, BACKEND_LITERAL_HINT)
  const [bucket, key] = [text('bucket'), text('key')]
  const settings = { region: text('region'), endpoint: text('endpoint'), profile: text('profile'), usePathStyle: constantBool(attrs.get('use_path_style'), errors, BACKEND_LITERAL_HINT) }
  for (const [name, value] of [['bucket', bucket], ['key', key]] as const) {
    if (!attrs.has(name)) errors.error('Missing required argument', { detail: `The backend "s3" block needs "${name}".`, range: block.headerRange })
    else if (value === '') errors.error('Invalid value', { detail: `"${name}" must not be empty.`, range: attrs.get(name)!.expr.range })
  }
  // As in Terraform: the key is a path inside the bucket, and a leading or trailing slash names an object no one finds.
  if (key?.startsWith('/') || key?.endsWith('/')) {
    errors.error('Invalid value', { detail: `"key" must not start or end with "/"; got "${key}".`, range: attrs.get('key')!.expr.range })
  }
  return bucket && key ? { bucket, key, ...settings } : undefined
}

function decodeResource(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const [typeLabel, nameLabel] = block.labels as [Block['labels'][0], Block['labels'][0]]
  if (!(RESOURCE_TYPES as readonly string[]).includes(typeLabel.value)) {
    const suggestion = didYouMean(typeLabel.value, RESOURCE_TYPES)
    // Other resource types belong to Terraform, unless the name is sageform's own prefix or a near miss of a job type.
    if (!suggestion && !typeLabel.value.startsWith('sagemaker_')) {
      if (!module.skipped.has(typeLabel.value)) module.skipped.set(typeLabel.value, { what: 'a resource sageform does not manage', range: block.typeRange })
      return skip(block, 'sageform manages SageMaker training and tuning jobs only.', diags)
    }
    diags.error('Unsupported resource type', {
      detail: `sageform manages ${RESOURCE_TYPES.slice(0, -1).join(', ')} and ${RESOURCE_TYPES.at(-1)}; "${typeLabel.value}" is not one of them.`,
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
  const count = block.body.attributes.find((a) => a.name === 'count')
  const forEach = block.body.attributes.find((a) => a.name === 'for_each')
  if (count && forEach) {
    diags.error('Invalid combination of "count" and "for_each"', {
      detail: 'The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.',
      range: forEach.nameRange,
      address,
    })
  }
  const meta = new Set([dependsOn, count, forEach])
  module.resources.set(address, {
    type: typeLabel.value as ResourceType,
    label: nameLabel.value,
    address,
    count,
    forEach: count ? undefined : forEach,
    body: {
      attributes: block.body.attributes.filter((a) => !meta.has(a)),
      blocks: block.body.blocks.filter((b) => b.type !== 'lifecycle'),
      range: block.body.range,
    },
    lifecycle: lifecycleBlock && {
      block: lifecycleBlock,
      preventDestroy: lifecycleAttrs!.get('prevent_destroy'),
      ignoreChanges: lifecycleAttrs!.get('ignore_changes'),
      retuneEvery: lifecycleAttrs!.get('retune_every'),
      keepGenerations: lifecycleAttrs!.get('keep_generations'),
    },
    dependsOn,
    file,
    block,
  })
}

const MOVED_HINT = 'Write a resource address, like sagemaker_training_job.a, sagemaker_training_job.a[0] or sagemaker_training_job.a["key"].'

/** A moved block's endpoints are static addresses: Terraform reads them before anything is evaluated. */
function decodeMoved(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const attrs = checkBodyShape(block.body, 'a moved block', { attributes: ['from', 'to'], blocks: [] }, diags)
  const endpoint = (name: 'from' | 'to'): ParsedAddress | undefined => {
    const attr = attrs.get(name)
    if (!attr) {
      diags.error('Missing required argument', { detail: `The argument "${name}" is required, but no definition was found.`, range: block.headerRange })
      return undefined
    }
    const address = exprAddress(attr.expr)
    if (!address) {
      diags.error('Invalid address', { detail: `The "${name}" of a moved block must be a resource or resource instance address.`, range: attr.expr.range, hint: MOVED_HINT })
      return undefined
    }
    if (!(RESOURCE_TYPES as readonly string[]).includes(address.type)) {
      const suggestion = didYouMean(address.type, RESOURCE_TYPES)
      diags.error('Invalid address', { detail: `${formatAddress(address)} is not an address of a job resource; sageform moves ${RESOURCE_TYPES.join(', ')}.`, range: attr.expr.range, hint: suggestion ? `Did you mean "${suggestion}"?` : undefined })
      return undefined
    }
    return address
  }
  const [from, to] = [endpoint('from'), endpoint('to')]
  if (!from || !to) return
  if (jobFamily(from.type as ResourceType) !== jobFamily(to.type as ResourceType)) {
    diags.error('Resource type mismatch', {
      detail: `This statement declares a move from ${formatAddress(from)} to ${formatAddress(to)}, which is a resource of a different kind: a ${jobFamily(from.type as ResourceType)} job cannot become a ${jobFamily(to.type as ResourceType)} job.`,
      range: block.headerRange,
    })
    return
  }
  module.moved.push({ from, to, file, range: block.typeRange })
}

/** An import block's target is a static address too; its id (the job name) may use variables and `each`. */
function decodeImport(block: Block, file: ConfigFile, module: Module, diags: Diagnostics): void {
  const attrs = checkBodyShape(block.body, 'an import block', { attributes: ['to', 'id', 'for_each', 'provider'], blocks: [] }, diags)
  const [to, id] = [attrs.get('to'), attrs.get('id')]
  for (const [name, attr] of [['to', to], ['id', id]] as const) {
    if (!attr) diags.error('Missing required argument', { detail: `The argument "${name}" is required, but no definition was found.`, range: block.headerRange })
  }
  const provider = attrs.get('provider')
  if (provider) diags.warning('Argument ignored', { detail: '"provider" is ignored: every job is imported through the configuration\'s provider.', range: provider.nameRange })
  if (!to || !id) return
  module.imports.push({ to: to.expr, id: id.expr, forEach: attrs.get('for_each'), file, range: block.typeRange })
}
