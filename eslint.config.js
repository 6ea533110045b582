// Lint, including the architecture: dependencies point one way
// (util ← diagnostics ← config ← model ← planner/plan/state/sagemaker ← apply ← services ← ui ← commands),
// only src/sagemaker talks to the AWS SDK and only src/ui loads ink/react.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const layers = ['util', 'diagnostics', 'config', 'model', 'sagemaker', 'state', 'plan', 'planner', 'endpoint', 'apply', 'services', 'ui', 'commands']
// What each layer may NOT import (everything above it, except where a lower layer is a sibling).
const forbidden = {
  util: layers.filter((l) => l !== 'util'),
  diagnostics: layers.filter((l) => l !== 'diagnostics' && l !== 'util'),
  config: ['model', 'sagemaker', 'state', 'plan', 'planner', 'endpoint', 'apply', 'services', 'ui', 'commands'],
  model: ['sagemaker', 'state', 'plan', 'planner', 'endpoint', 'apply', 'services', 'ui', 'commands'],
  sagemaker: ['config', 'state', 'plan', 'planner', 'endpoint', 'apply', 'services', 'ui', 'commands'],
  state: ['sagemaker', 'plan', 'planner', 'endpoint', 'apply', 'services', 'ui', 'commands'],
  plan: ['planner', 'endpoint', 'apply', 'services', 'ui', 'commands'],
  planner: ['endpoint', 'apply', 'services', 'ui', 'commands'],
  endpoint: ['config', 'sagemaker', 'state', 'plan', 'planner', 'apply', 'services', 'ui', 'commands'],
  apply: ['endpoint', 'services', 'ui', 'commands'],
  services: ['ui', 'commands'],
  ui: ['commands'],
  commands: [],
}

const restrict = (layer) => ({
  files: [`src/${layer}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...(forbidden[layer].length
            ? [{ group: forbidden[layer].map((l) => `**/${l}/*`), message: `src/${layer} must not depend on a higher layer.` }]
            : []),
          ...(layer === 'sagemaker' ? [] : [{ group: ['@aws-sdk/*'], message: 'Only src/sagemaker talks to the AWS SDK.' }]),
          ...(layer === 'ui' ? [] : [{ group: ['ink', 'ink/*', 'react', 'react/*'], message: 'Only src/ui loads ink and react (lazily).' }]),
        ],
      },
    ],
  },
})

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
  ...layers.map(restrict),
)
