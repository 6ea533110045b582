// Lint, including the architecture. TIERS is the one list of layers, lowest first: a folder of src/ may import only
// from folders on lower tiers, never from its own tier's siblings or anything above. A listed subfolder is a layer of its
// own (src/services/setup sits below the command services of src/services). Every import is checked: static,
// re-exports, type-only and dynamic import(), whose specifier must therefore be a literal. On top of the order: only
// src/sagemaker talks to the AWS SDK, only src/ui loads ink/react, and the pure layers do no file or process I/O.
import path from 'node:path'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export const TIERS = [
  ['util'],
  ['diagnostics'],
  ['config'],
  ['model'],
  ['plan'],
  ['planner'],
  ['sagemaker', 'state', 'endpoint'],
  ['apply', 'watch'],
  ['services/setup'],
  ['services'],
  ['ui'],
  ['commands'],
  ['cli.ts'],
]
/** Layers that compute values only: their inputs come in as arguments. */
const PURE = ['model', 'plan', 'planner', 'watch']
const FILE_AND_PROCESS_IO = /^(node:)?(fs|fs\/promises|child_process)$/

const SRC = path.resolve(import.meta.dirname, 'src')
const tierOf = new Map(TIERS.flatMap((tier, i) => tier.map((layer) => [layer, i])))

/** The layer a file of src/ belongs to: the deepest listed folder holding it, its first folder, or the file itself at the top of src/. */
function layerOf(file) {
  const relative = path.relative(SRC, file)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined
  const parts = relative.split(path.sep)
  // An import names the emitted file (../cli.js); the layer is the source file.
  if (parts.length === 1) return parts[0].replace(/\.[cm]?[jt]sx?$/, '.ts')
  for (let depth = parts.length - 1; depth > 1; depth--) {
    const folder = parts.slice(0, depth).join('/')
    if (tierOf.has(folder)) return folder
  }
  return parts[0]
}

/** Why `layer` may not import `specifier` (from `file`), or undefined when it may. */
function violation(layer, file, specifier) {
  if (specifier.startsWith('.')) {
    const target = layerOf(path.resolve(path.dirname(file), specifier))
    if (target === undefined || target === layer) return undefined
    if (!tierOf.has(target)) return `src/${target} is not in the layer list (TIERS in eslint.config.js).`
    if (tierOf.get(target) === tierOf.get(layer)) return `src/${layer} must not depend on its sibling layer src/${target}.`
    if (tierOf.get(target) > tierOf.get(layer)) return `src/${layer} must not depend on the higher layer src/${target}.`
    return undefined
  }
  if (/^@aws-sdk\//.test(specifier) && layer !== 'sagemaker') return 'Only src/sagemaker talks to the AWS SDK.'
  if (/^(ink|react)(\/|$)/.test(specifier) && layer !== 'ui') return 'Only src/ui loads ink and react (lazily).'
  if (FILE_AND_PROCESS_IO.test(specifier) && PURE.includes(layer)) return `src/${layer} is pure: no file or process I/O (${specifier}); take the data as an argument.`
  return undefined
}

const layersRule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Imports follow the layer order of TIERS.' } },
  create(context) {
    const file = context.filename
    const layer = layerOf(file)
    if (layer === undefined) return {}
    const check = (node, source) => {
      if (!tierOf.has(layer)) return context.report({ node, message: `src/${layer} is not in the layer list (TIERS in eslint.config.js).` })
      const specifier = source?.type === 'Literal' && typeof source.value === 'string' ? source.value : source?.type === 'TemplateLiteral' && source.expressions.length === 0 ? source.quasis[0].value.cooked : undefined
      if (specifier === undefined) return context.report({ node, message: 'A dynamic import() needs a literal specifier, so that the layer rule can check it.' })
      const message = violation(layer, file, specifier)
      if (message) context.report({ node, message })
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && check(node, node.moduleReference.expression),
      TSImportType: (node) => check(node, node.argument.type === 'TSLiteralType' ? node.argument.literal : node.argument),
    }
  },
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/out/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    // The mocha configurations: mocha loads CommonJS only.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { sageform: { rules: { layers: layersRule } } },
    rules: { 'sageform/layers': 'error' },
  },
)
