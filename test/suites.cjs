// The two halves of the mocha suite. End-to-end files start processes (the built CLI, tmux) or open sockets (the
// local endpoint, fault proxies, servers); every other test file is a unit test: in-process, no sockets. A new test
// file is a unit test unless it is listed here (test/suites.test.ts checks that none that should be is missing). `npx mocha test/x.test.ts` runs one file with the common options.
// The timeout is a bound on a hang, not a speed check: an end-to-end test runs the CLI a dozen times, each taking seconds
// on a loaded machine. Unit tests (test/unit.mocharc.cjs) keep a tighter bound.
const common = { extension: ['ts'], 'node-option': ['import=tsx'], timeout: 180_000, reporter: 'spec' }

const e2e = [
  'apply-wait-logs', 'apply-wait-records', 'chdir-e2e', 'ci-examples', 'cli-validate', 'commands-nock', 'contract', 'deposed',
  'disk-full', 'e2e', 'endpoint', 'endpoint-quotas', 'escaping', 'fmt', 'help', 'import-guard', 'interrupts',
  'lazy-view', 'local-endpoint-faults', 'logs', 'logs-endpoint', 'manifests', 'markdown', 'package',
  'plan-integrity', 'policy', 'pricing', 'prompt-interrupt', 'quota-e2e', 'quota-nock', 'readme', 'refactor-e2e',
  'refresh-only', 'refresh-worker', 'replace-hint-e2e', 'results', 'retune-e2e', 's3-backend', 'sensitivity', 'state',
  'state-commands', 'target', 'terraform-migration', 'timeouts', 'usage-errors', 'watch-e2e',
].map((name) => `test/${name}.test.ts`)

module.exports = { common, e2e }
