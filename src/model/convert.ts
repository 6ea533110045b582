// `sageform convert`: a configuration written for terraform-provider-aws, rewritten into sageform's own spelling. The
// source text is edited in place at the parser's ranges rather than printed from the tree, so comments, layout and
// expressions stay as the user wrote them; only names change, and what sageform does not read is dropped with a
// comment saying why.
import { Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics/index.js'
import { references, subExpressions, traversalPath, type Attribute, type Block, type Body, type Expr } from '../config/ast.js'
import { AWS_PROVIDER_ATTRIBUTES } from '../config/module.js'
import { parseHcl } from '../config/parse.js'
import { PROVIDER_RESOURCES, PROVIDER_RESOURCE_TYPES, renamePath, type ProviderResourceType } from './terraform.js'

/** Marks every comment convert leaves where it dropped something, so a reader can find them all. */
export const CONVERT_COMMENT = '# sageform convert:'

export interface ConvertedFile {
  output?: string
  /** False when the file had nothing in the provider's spelling and nothing for Terraform only. */
  changed: boolean
  diagnostics: Diagnostic[]
}

/** Replaces a node by a comment saying why sageform has no use for it. */
type Drop = (node: Attribute | Block, why: string) => void

interface Edit {
  start: number
  end: number
  text: string
}

const isProviderType = (type: string): type is ProviderResourceType => (PROVIDER_RESOURCE_TYPES as readonly string[]).includes(type)
/** Top-level blocks that mean the same in both tools (moved blocks are kept too, verbatim). */
const KEPT_BLOCKS = ['variable', 'locals', 'output', 'policy', 'backend', 'import']
const NATIVE_TYPES: readonly string[] = Object.values(PROVIDER_RESOURCES).map((r) => r.native)
/** What a reference in a sageform configuration may start with (besides the iterators of dynamic blocks). */
const EVALUATED_ROOTS = ['var', 'local', 'path', 'count', 'each', ...NATIVE_TYPES]

/** Converts one file's text; `format` lays the result out (hcl-tools' format, kept out of this layer). */
export async function convertSource(path: string, source: string, format: (text: string) => Promise<string>): Promise<ConvertedFile> {
  const parsed = await parseHcl(path, source)
  if (!parsed.file) return { changed: false, diagnostics: parsed.diagnostics }
  const diags = new Diagnostics()
  const edits: Edit[] = []
  const kept: Array<Attribute | Block> = []
  const drop: Drop = (node, why) => edits.push({ start: node.range.start.byte, end: node.range.end.byte, text: `${CONVERT_COMMENT} ${why}` })

  for (const block of parsed.file.body.blocks) {
    const header = block.labels.length > 0 ? [block.type, ...block.labels.map((l) => `"${l.value}"`)].join(' ') : `the ${block.type} block`
    const [typeLabel] = block.labels
    if (block.type === 'resource' && typeLabel && isProviderType(typeLabel.value)) {
      convertResource(block, typeLabel.value, source, edits, kept, drop)
      edits.push(movedBlock(block, typeLabel.value))
    } else if (block.type === 'moved') {
      // Left as written: a Terraform move between provider addresses chains into the moves convert adds, and the
      // ones convert added must keep their provider `from`.
      continue
    } else if (block.type === 'resource' && typeLabel && NATIVE_TYPES.includes(typeLabel.value)) {
      kept.push(block)
    } else if (block.type === 'provider' && typeLabel?.value === 'aws') {
      convertAwsProvider(block, header, edits, kept, drop)
    } else if (block.type === 'provider' && typeLabel?.value === 'sagemaker') {
      kept.push(block)
    } else if (KEPT_BLOCKS.includes(block.type)) {
      kept.push(block)
    } else {
      drop(block, `dropped ${header}: ${block.type === 'resource' ? 'sageform manages SageMaker training and tuning jobs only' : 'sageform does not read it'}.`)
    }
  }
  const iterators = new Set(parsed.file.body.blocks.flatMap((b) => dynamicIterators(b.body)))
  for (const node of kept) for (const expr of expressions(node)) renameReferences(expr, edits, diags, iterators)

  if (edits.length === 0) return { output: source, changed: false, diagnostics: diags.items }
  return { output: await format(applyEdits(source, edits)), changed: true, diagnostics: diags.items }
}

/**
 * `moved { from = aws_sagemaker_training_job.x, to = sagemaker_training_job.x }` after the converted block: the jobs a
 * state records under the provider's address (import --from-terraform-state, or a configuration that used the
 * provider's spelling) stay with the resource, every instance of count and for_each included.
 */
function movedBlock(block: Block, type: ProviderResourceType): Edit {
  const name = block.labels[1]?.value ?? ''
  const at = block.range.end.byte
  return { start: at, end: at, text: `\n\nmoved {\n  from = ${type}.${name}\n  to   = ${PROVIDER_RESOURCES[type].native}.${name}\n}` }
}

/** The names dynamic blocks give their elements (`iterator`, or the block type), anywhere in a body. */
function dynamicIterators(body: Body): string[] {
  return body.blocks.flatMap((b) => {
    const own = b.type === 'dynamic' && b.labels[0] ? [iteratorOf(b) ?? b.labels[0].value] : []
    return [...own, ...dynamicIterators(b.body)]
  })
}

function iteratorOf(dynamic: Block): string | undefined {
  const expr = dynamic.body.attributes.find((a) => a.name === 'iterator')?.expr
  return expr?.kind === 'variable' ? expr.name : undefined
}

/** The type label, every argument and block name (through renamePath), and the provider-only arguments dropped. */
function convertResource(block: Block, type: ProviderResourceType, source: string, edits: Edit[], kept: Array<Attribute | Block>, drop: Drop): void {
  const resource = PROVIDER_RESOURCES[type]
  edits.push(replace(block.labels[0]!.range, `"${resource.native}"`))
  const visit = (body: Body, path: string[]) => {
    for (const attr of body.attributes) {
      if (path.length === 0 && attr.name === 'depends_on') {
        kept.push(attr)
        continue
      }
      if (path.length === 0 && attr.name in resource.providerOnly) {
        drop(attr, `dropped ${attr.name}: ${resource.providerOnly[attr.name]}`)
        continue
      }
      renameNode(attr.nameRange, attr.name, renamePath(type, [...path, attr.name], 'native'), edits)
      kept.push(attr)
    }
    for (const nested of body.blocks) {
      if (nested.type === 'dynamic' && nested.labels[0]) convertDynamic(nested, path, source, edits, kept, visit, type)
      else if (path.length === 0 && nested.type === 'lifecycle') renameIgnoreChanges(nested, type, edits)
      else if (path.length === 0 && nested.type in resource.providerOnly) drop(nested, `dropped ${nested.type}: ${resource.providerOnly[nested.type]}`)
      else {
        renameNode(nested.typeRange, nested.type, renamePath(type, [...path, nested.type], 'native'), edits)
        visit(nested.body, [...path, nested.type])
      }
    }
  }
  visit(block.body, [])
}

/**
 * `dynamic "config" { ... content { ... } }`: the label is a block name to rename, and the content is that block's body.
 * The iterator is named after the label unless set, so a renamed label gets `iterator = <old label>` to keep the
 * content's references working.
 */
function convertDynamic(dynamic: Block, path: string[], source: string, edits: Edit[], kept: Array<Attribute | Block>, visit: (body: Body, path: string[]) => void, type: ProviderResourceType): void {
  const label = dynamic.labels[0]!
  const renamed = renamePath(type, [...path, label.value], 'native')?.at(-1)
  if (renamed !== undefined && renamed !== label.value) {
    edits.push(replace(label.range, `"${renamed}"`))
    if (!dynamic.body.attributes.some((a) => a.name === 'iterator')) {
      const brace = Buffer.from(source, 'utf8').indexOf('{', label.range.end.byte) + 1
      edits.push({ start: brace, end: brace, text: `\n iterator = ${label.value}` })
    }
  }
  for (const attr of dynamic.body.attributes) kept.push(attr)
  for (const content of dynamic.body.blocks.filter((b) => b.type === 'content')) visit(content.body, [...path, label.value])
}

/** A name renamePath does not know stays as written, so validating the output reports it at the same place. */
function renameNode(range: SourceRange, name: string, renamed: string[] | undefined, edits: Edit[]): void {
  const to = renamed?.at(-1)
  if (to !== undefined && to !== name) edits.push(replace(range, to))
}

/** `ignore_changes` lists argument paths, which are written in the resource's spelling too. */
function renameIgnoreChanges(lifecycle: Block, type: ProviderResourceType, edits: Edit[]): void {
  const list = lifecycle.body.attributes.find((a) => a.name === 'ignore_changes')?.expr
  if (list?.kind !== 'tuple') return
  for (const item of list.items) {
    const steps = chain(item)
    const path = steps.map((s) => s.name)
    const renamed = renamePath(type, path, 'native')
    if (!renamed || renamed.length !== steps.length) continue
    steps.forEach((step, i) => {
      if (renamed[i] !== step.name) edits.push(replace(step.range, renamed[i]!))
    })
  }
}

/** provider "aws" becomes provider "sagemaker" with the settings both read; an aliased one applies to no job. */
function convertAwsProvider(block: Block, header: string, edits: Edit[], kept: Array<Attribute | Block>, drop: Drop): void {
  if (block.body.attributes.some((a) => a.name === 'alias')) {
    drop(block, `dropped aliased ${header}: jobs use the default provider configuration only.`)
    return
  }
  edits.push(replace(block.labels[0]!.range, '"sagemaker"'))
  for (const attr of block.body.attributes) {
    if (AWS_PROVIDER_ATTRIBUTES.includes(attr.name)) kept.push(attr)
    else drop(attr, `dropped ${attr.name}: provider "sagemaker" reads only ${AWS_PROVIDER_ATTRIBUTES.join(' and ')}.`)
  }
  for (const nested of block.body.blocks) {
    drop(nested, `dropped ${nested.type}: provider "sagemaker" reads only ${AWS_PROVIDER_ATTRIBUTES.join(' and ')}${nested.type === 'default_tags' ? "; write these tags into each resource's tags" : ''}.`)
  }
}

/** `aws_sagemaker_training_job.x.training_job_name` → `sagemaker_training_job.x.name`; the rest of a path is kept. */
function renameReferences(expr: Expr, edits: Edit[], diags: Diagnostics, iterators: ReadonlySet<string>): void {
  renameSplats(expr, edits)
  for (const ref of references(expr)) {
    const steps = chain(ref)
    const [root, , attribute] = steps
    if (!root) continue
    if (isProviderType(root.name)) {
      const resource = PROVIDER_RESOURCES[root.name]
      edits.push(replace(root.range, resource.native))
      if (attribute?.name === resource.nameArgument) edits.push(replace(attribute.range, 'name'))
    } else if (!EVALUATED_ROOTS.includes(root.name) && !iterators.has(root.name)) {
      diags.warning('Reference sageform cannot evaluate', {
        detail: `${steps.map((s) => s.name).join('.')} reads a value only Terraform has (a block convert drops, or one of Terraform's own), so the converted configuration reports it as an error.`,
        range: ref.range,
        hint: 'Declare a variable for the value and pass it with -var or --var-file.',
      })
    }
  }
}

/**
 * The name argument read through a splat or a computed index, which references() does not reach:
 * `aws_sagemaker_training_job.x[*].training_job_name` and `...x[each.key].training_job_name` end in `.name`.
 */
function renameSplats(expr: Expr, edits: Edit[]): void {
  const renameAt = (target: Expr, step: Expr) => {
    const root = chain(target)
    if (root.length === 2 && isProviderType(root[0]!.name) && step.kind === 'getattr' && step.name === PROVIDER_RESOURCES[root[0]!.name].nameArgument) edits.push(replace(tail(step.range, step.name), 'name'))
  }
  if (expr.kind === 'splat') {
    let first: Expr = expr.each
    while ((first.kind === 'getattr' || first.kind === 'index') && first.target.kind !== 'variable') first = first.target
    renameAt(expr.target, first)
  }
  if (expr.kind === 'getattr' && expr.target.kind === 'index' && !traversalPath(expr.target)) renameAt(expr.target.target, expr)
  for (const child of subExpressions(expr)) renameSplats(child, edits)
}

/** The named steps of a traversal from its root, each with the range of its name alone. */
function chain(expr: Expr): Array<{ name: string; range: SourceRange }> {
  if (expr.kind === 'variable') return [{ name: expr.name, range: expr.range }]
  if (expr.kind === 'getattr') return [...chain(expr.target), { name: expr.name, range: tail(expr.range, expr.name) }]
  if (expr.kind === 'index') return chain(expr.target)
  return []
}

/** The range of the last `text.length` characters of a one-line range (the attribute name ending a traversal). */
function tail(range: SourceRange, text: string): SourceRange {
  const bytes = Buffer.byteLength(text)
  return { ...range, start: { line: range.end.line, column: range.end.column - [...text].length, byte: range.end.byte - bytes } }
}

function expressions(node: Attribute | Block): Expr[] {
  if ('expr' in node) return [node.expr]
  // lifecycle holds argument paths (ignore_changes), not references.
  return [...node.body.attributes.map((a) => a.expr), ...node.body.blocks.filter((b) => b.type !== 'lifecycle').flatMap(expressions)]
}

const replace = (range: SourceRange, text: string): Edit => ({ start: range.start.byte, end: range.end.byte, text })

/** Ranges are UTF-8 byte offsets; edits apply from the end backwards so earlier offsets stay valid. */
function applyEdits(source: string, edits: Edit[]): string {
  let bytes = Buffer.from(source, 'utf8')
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    bytes = Buffer.concat([bytes.subarray(0, edit.start), Buffer.from(edit.text, 'utf8'), bytes.subarray(edit.end)])
  }
  return bytes.toString('utf8')
}
