// `sageform fmt`: rewrites manifests in Terraform's canonical style (HashiCorp's hclwrite formatter, through
// @cdktn/hcl-tools), as `terraform fmt` does. A file that does not parse is never touched: the formatter would mangle it.
import { randomBytes } from 'node:crypto'
import { chmod, readdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { format } from '@cdktn/hcl-tools'
import { createTwoFilesPatch } from 'diff'
import { Diagnostics, type Diagnostic } from '../diagnostics/index.js'
import { parseHcl } from '../config/parse.js'

/** Manifests, variable files (*.vars.hcl is a *.hcl), and Terraform's *.tf and *.tfvars. */
const FORMATTED_SUFFIXES = ['.hcl', '.tf', '.tfvars']
export const STDIN_TARGET = '-'

export interface FmtOptions {
  /** Files and directories; empty for the configuration directory; `-` alone for standard input. */
  targets: string[]
  /** The configuration directory (-C): relative targets resolve against it. */
  dir: string
  recursive: boolean
  /** Report, never write (as terraform fmt -check). */
  check: boolean
  diff: boolean
  write: boolean
  readStdin: () => Promise<string>
}

export interface FormattedFile {
  /** As given or found, relative to the configuration directory; `<stdin>` for standard input. */
  path: string
  changed: boolean
  written: boolean
  /** Unified diff from the file to its formatted text, with --diff. */
  diff?: string
  /** The formatted text, for standard input (which has no file to write). */
  formatted?: string
}

/** The `fmt --json` payload (schemas/fmt.json). */
export interface FmtResult {
  files: FormattedFile[]
  diagnostics: Diagnostic[]
}

export async function formatManifests(options: FmtOptions): Promise<FmtResult> {
  const diags = new Diagnostics()
  const files: FormattedFile[] = []
  const write = options.write && !options.check
  if (options.targets.length === 1 && options.targets[0] === STDIN_TARGET) {
    const file = await formatText('<stdin>', await options.readStdin(), options, diags)
    if (file) {
      // With --check, standard input is only judged, like a file.
      const { formatted, ...rest } = file
      files.push(options.check ? rest : { ...rest, formatted })
    }
    return { files, diagnostics: diags.items }
  }
  if (options.targets.includes(STDIN_TARGET)) {
    diags.error('Invalid arguments', { detail: 'Standard input ("-") cannot be formatted together with files.', hint: 'Pass "-" alone, or only files and directories.' })
    return { files, diagnostics: diags.items }
  }
  const paths = await collect(options.targets.length ? options.targets : ['.'], options, diags)
  for (const path of paths) {
    const absolute = resolve(options.dir, path)
    let source: string
    try {
      source = await readFile(absolute, 'utf8')
    } catch (error) {
      diags.error('Cannot read file', { detail: `${path}: ${(error as NodeJS.ErrnoException).message}` })
      continue
    }
    const file = await formatText(path, source, options, diags)
    if (!file) continue
    const { formatted, ...rest } = file
    if (file.changed && write) rest.written = await replaceFile(absolute, formatted, path, diags)
    files.push(rest)
  }
  return { files, diagnostics: diags.items }
}

async function formatText(path: string, source: string, options: FmtOptions, diags: Diagnostics): Promise<(FormattedFile & { formatted: string }) | undefined> {
  const parsed = await parseHcl(path, source)
  if (parsed.diagnostics.length > 0) {
    diags.append(parsed.diagnostics)
    return undefined
  }
  const formatted = await format(source)
  const changed = formatted !== source
  return {
    path,
    changed,
    written: false,
    formatted,
    // `diff -u` output, as terraform fmt -diff prints it (without jsdiff's "=====" separator line).
    ...(options.diff && changed ? { diff: createTwoFilesPatch(`old/${path}`, `new/${path}`, source, formatted, undefined, undefined, { context: 3 }).replace(/^=+\n/, '') } : {}),
  }
}

/** Files to format, in a stable order: each target file, and the manifests of each target directory. */
async function collect(targets: string[], options: FmtOptions, diags: Diagnostics): Promise<string[]> {
  const out: string[] = []
  for (const target of targets) {
    const info = await stat(resolve(options.dir, target)).catch(() => undefined)
    if (!info) diags.error('No file or directory', { detail: `There is no file or directory at ${target}.` })
    else if (info.isDirectory()) out.push(...(await walk(target, options, diags)))
    else if (!info.isFile()) diags.error('Not a regular file', { detail: `${target} is not a regular file (a device, socket or pipe), so it is not formatted.` })
    else if (!FORMATTED_SUFFIXES.some((s) => target.endsWith(s))) {
      diags.error('Not a configuration file', { detail: `${target}: only ${FORMATTED_SUFFIXES.map((s) => `*${s}`).join(', ')} files are formatted.` })
    } else out.push(target)
  }
  return out
}

async function walk(dir: string, options: FmtOptions, diags: Diagnostics): Promise<string[]> {
  let entries: string[]
  try {
    entries = (await readdir(resolve(options.dir, dir))).sort()
  } catch (error) {
    diags.error('Cannot read directory', { detail: `${dir}: ${(error as NodeJS.ErrnoException).message}` })
    return []
  }
  const out: string[] = []
  for (const name of entries) {
    // Like Terraform: hidden entries and editors' backup files are not configuration (.terraform holds providers).
    if (name.startsWith('.') || name.startsWith('~') || (name.startsWith('#') && name.endsWith('#'))) continue
    const path = join(dir, name)
    // stat follows symlinks: a link to a manifest is formatted (the file it points at), a link to a device is not.
    const info = await stat(resolve(options.dir, path)).catch(() => undefined)
    if (info?.isDirectory()) {
      if (options.recursive) out.push(...(await walk(path, options, diags)))
    } else if (info?.isFile() && FORMATTED_SUFFIXES.some((s) => name.endsWith(s))) out.push(path)
  }
  return out
}

/**
 * Writes through a temporary file in the same directory and renames it over the file (through a symlink, onto the
 * file it points at): a kill or a full disk leaves either the old text or the new, never half of it.
 */
async function replaceFile(absolute: string, text: string, shown: string, diags: Diagnostics): Promise<boolean> {
  const target = await realpath(absolute)
  const temporary = join(dirname(target), `.${relative(dirname(target), target)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const { mode } = await stat(target)
    await writeFile(temporary, text, { flag: 'wx' })
    await chmod(temporary, mode & 0o7777)
    await rename(temporary, target)
    return true
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    diags.error('Cannot write file', { detail: `${shown}: ${(error as NodeJS.ErrnoException).message}. The file is unchanged.` })
    return false
  }
}
