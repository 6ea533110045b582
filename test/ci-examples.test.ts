// examples/ci/: the GitHub Actions and GitLab CI workflows parse as YAML, and every sageform invocation in their
// scripts uses a command and flags the CLI documents in its --help. Needs `npm run build` (runs bin/run.js).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { root, sageform } from './helpers/cli.js'

const FILES = ['github-actions.yml', 'gitlab-ci.yml']
const SCRIPT_KEYS = new Set(['run', 'script', 'before_script', 'after_script'])

/** Every string under a run/script key, anywhere in the document. */
function scripts(node: unknown, underScript = false): string[] {
  if (typeof node === 'string') return underScript ? [node] : []
  if (Array.isArray(node)) return node.flatMap((item) => scripts(item, underScript))
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => scripts(value, underScript || SCRIPT_KEYS.has(key)))
  return []
}

interface Invocation {
  command: string
  flags: string[]
  text: string
}

/** `sageform CMD ...` up to the end of the shell command (a newline, `|`, `&`, `;`, `>` or `<`). */
function invocations(script: string): Invocation[] {
  const found: Invocation[] = []
  for (const match of script.matchAll(/\bsageform[ \t]+([a-z][a-z-]*)([^\n|&;<>]*)/g)) {
    const tokens = match[2]!.trim().split(/\s+/).filter(Boolean)
    const flags = tokens.filter((t) => t.startsWith('-')).map((t) => t.replace(/=.*$/, ''))
    found.push({ command: match[1]!, flags, text: match[0] })
  }
  return found
}

const helpCache = new Map<string, string>()
function help(command: string): string {
  if (!helpCache.has(command)) {
    const run = sageform([command, '--help'])
    assert.equal(run.status, 0, `sageform ${command} --help failed: ${run.stderr}`)
    helpCache.set(command, run.stdout)
  }
  return helpCache.get(command)!
}

/** Does --help list the flag? `-C` as `-C, --chdir`, `--no-x` as `--no-x` or `--[no-]x`. */
function documents(helpText: string, flag: string): boolean {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const spellings = [flag]
  if (flag.startsWith('--no-')) spellings.push(`--[no-]${flag.slice(5)}`)
  return spellings.some((s) => new RegExp(`(^|[\\s,\\[])${escape(s)}(?=[\\s=,\\]]|$)`, 'm').test(helpText))
}

describe('examples/ci', () => {
  for (const file of FILES) {
    describe(file, () => {
      const text = readFileSync(join(root, 'examples/ci', file), 'utf8')

      it('is one valid YAML document', () => {
        const documents = parseAllDocuments(text)
        assert.ok(Array.isArray(documents), 'expected documents')
        assert.equal(documents.length, 1)
        const [document] = documents
        assert.deepEqual(document!.errors.map((e) => e.message), [])
        assert.deepEqual(document!.warnings.map((e) => e.message), [])
        assert.equal(typeof document!.toJS(), 'object')
      })

      it('runs fmt --check, plan, show --markdown and apply --auto-approve', () => {
        const found = scripts(parseAllDocuments(text)[0]!.toJS() as unknown).flatMap(invocations)
        const plan = found.find((i) => i.command === 'plan')
        assert.ok(plan, 'no sageform plan')
        for (const flag of ['--out', '--detailed-exitcode', '-C']) assert.ok(plan.flags.includes(flag), `plan without ${flag}`)
        assert.ok(found.some((i) => i.command === 'show' && i.flags.includes('--markdown')), 'no sageform show --markdown')
        assert.ok(found.some((i) => i.command === 'apply' && i.flags.includes('--auto-approve')), 'no sageform apply --auto-approve')
        const fmt = found.find((i) => i.command === 'fmt')
        assert.ok(fmt && fmt.flags.includes('--check'), 'no sageform fmt --check')
        assert.ok(found.indexOf(fmt) < found.indexOf(plan), 'fmt --check runs before plan')
      })

      it('uses only commands and flags the CLI documents', () => {
        const found = scripts(parseAllDocuments(text)[0]!.toJS() as unknown).flatMap(invocations)
        assert.ok(found.length >= 3)
        for (const invocation of found) {
          const helpText = help(invocation.command)
          for (const flag of invocation.flags) assert.ok(documents(helpText, flag), `${invocation.text}: ${invocation.command} --help does not list ${flag}`)
        }
      })
    })
  }

  it('the flag check rejects a flag --help does not list', () => {
    assert.equal(documents(help('plan'), '--markdown'), true)
    assert.equal(documents(help('plan'), '--no-cost'), true)
    assert.equal(documents(help('plan'), '-C'), true)
    assert.equal(documents(help('plan'), '--auto-approve'), false)
    assert.equal(documents(help('plan'), '--mark'), false)
  })
})
