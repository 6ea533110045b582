// The two halves of the mocha suite. End-to-end files start processes (the built CLI, tmux) or open sockets (the
// local endpoint, fault proxies, servers); every other test file is a unit test: in-process, no sockets. A new test
// file is a unit test unless it is listed here. `npx mocha test/x.test.ts` runs one file with the common options.
const common = { extension: ['ts'], 'node-option': ['import=tsx'], timeout: 20000, reporter: 'spec' }

const e2e = [
  'apply-wait-logs', 'ci-examples', 'cli-validate', 'commands-nock', 'deposed', 'disk-full', 'e2e', 'endpoint-quotas',
  'endpoint', 'escaping', 'fmt', 'interrupts', 'lazy-view', 'logs-endpoint', 'logs', 'manifests', 'markdown',
  'plan-integrity', 'policy', 'pricing', 'prompt-interrupt', 'quota-e2e', 'quota-nock', 'refactor-e2e', 'results',
  'retune-e2e', 's3-backend', 'sensitivity', 'state-commands', 'state', 'terraform-migration', 'timeouts',
  'usage-errors', 'watch-e2e', 'apply-wait-records', 'chdir-e2e', 'help', 'readme', 'refresh-only', 'target',
].map((name) => `test/${name}.test.ts`)

module.exports = { common, e2e }
