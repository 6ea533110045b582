// The Markdown plan for pull-request comments (src/ui/markdown.ts): exact text on a fixed plan value.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { renderPlanMarkdown } from '../src/ui/markdown.js'
import { PLAN_FORMAT_VERSION, summarize, type Plan, type ResourceChange } from '../src/plan/types.js'
import { sageform } from './helpers/cli.js'
import { exampleCopy } from './helpers/examples.js'

const changes: ResourceChange[] = [
  {
    address: 'sagemaker_training_job.xgb',
    type: 'sagemaker_training_job',
    action: 'replace',
    reason: 'spec_changed',
    before: { name: 'xgb-1a2b3c', status: 'Completed' },
    after: { name: 'xgb-4d5e6f', spec_hash: 'h2', generation: 2, request: {}, tags: {} },
    attribute_changes: [
      { path: 'hyper_parameters.eta', before: '0.1', after: '0.2', forces_replacement: true },
      { path: 'hyper_parameters.subsample', after: '0.8', forces_replacement: true },
      { path: 'environment.TOKEN', before: 'a', after: 'b', forces_replacement: true, sensitive: true },
      { path: 'stopping_condition.max_runtime_in_seconds', before: 3600, forces_replacement: false },
      { path: 'description', before: 'one | two\nthree', after: 'one | two\nfour', forces_replacement: false },
    ],
    depends_on: [],
    cost: {
      instances: [{ instance_type: 'ml.m5.xlarge', count: 1 }],
      max_runtime_seconds: 3600,
      max_runtime_defaulted: false,
      wall_time_seconds: 3600,
      managed_spot: false,
      instance_hours: [{ instance_type: 'ml.m5.xlarge', hours: 1, usd_per_hour: 0.23, price_source: 'pinned', usd: 0.23 }],
      usd: 0.23,
    },
  },
  {
    address: 'sagemaker_hyperparameter_tuning_job.hpo',
    type: 'sagemaker_hyperparameter_tuning_job',
    action: 'create',
    reason: 'no_current_job',
    after: { name: null, spec_hash: null, generation: 1, request: {}, tags: {} },
    attribute_changes: [],
    deferred: { reason: 'waits for sagemaker_training_job.xgb to finish', waiting_for: ['sagemaker_training_job.xgb'] },
    depends_on: ['sagemaker_training_job.xgb'],
    cost: { unknown: 'the instance type is known after apply' },
  },
  {
    address: 'sagemaker_training_job.tagged',
    type: 'sagemaker_training_job',
    action: 'update',
    before: { name: 'tagged-1', status: 'InProgress' },
    after: { name: 'tagged-1', spec_hash: 'h3', generation: 1, request: {}, tags: {} },
    attribute_changes: [],
    tag_changes: { set: { team: 'ml' }, remove: ['old'] },
    training_job_update: { ResourceConfig: { KeepAlivePeriodInSeconds: 600 } },
    depends_on: [],
  },
  {
    address: 'sagemaker_training_job.gone',
    type: 'sagemaker_training_job',
    action: 'stop',
    reason: 'removed_running',
    before: { name: 'gone-9', status: 'InProgress' },
    attribute_changes: [],
    depends_on: [],
  },
  {
    address: 'sagemaker_training_job.same',
    type: 'sagemaker_training_job',
    action: 'no-op',
    before: { name: 'same-7', status: 'Completed' },
    attribute_changes: [],
    depends_on: [],
  },
]

const plan: Plan = {
  format_version: PLAN_FORMAT_VERSION,
  config_hash: 'c0ffee',
  state: { lineage: 'l-1', serial: 3 },
  refreshed: true,
  changes,
  drift: [{ address: 'sagemaker_training_job.gone', kind: 'status', detail: 'status changed outside sageform: InProgress' }],
  summary: summarize(changes),
  diagnostics: [
    { severity: 'warning', summary: 'Deprecated attribute', detail: 'Use vpc_config instead.', address: 'sagemaker_training_job.xgb', attribute: 'network' },
  ],
  cost: {
    region: 'us-east-1',
    instance_hours: [{ instance_type: 'ml.m5.xlarge', hours: 1, usd_per_hour: 0.23, price_source: 'pinned', usd: 0.23 }],
    hours: 1,
    usd: 0.23,
    prices_as_of: null,
    managed_spot: false,
    not_counted: ['sagemaker_hyperparameter_tuning_job.hpo'],
  },
}

const EXPECTED = `<!-- sageform-plan -->
### Plan: 1 to create, 1 to replace, 1 to update, 1 to stop.

| | Action | Resource | Job | Notes |
|---|---|---|---|---|
| \`+/-\` | replace | \`sagemaker_training_job.xgb\` | \`xgb-1a2b3c\` → \`xgb-4d5e6f\` | spec changed |
| \`+\` | create | \`sagemaker_hyperparameter_tuning_job.hpo\` | → (known after apply) | no current job; deferred: waits for sagemaker_training_job.xgb to finish |
| \`~\` | update | \`sagemaker_training_job.tagged\` | \`tagged-1\` |  |
| \`-\` | stop | \`sagemaker_training_job.gone\` | \`gone-9\` | removed from the configuration: its job is stopped and forgotten |

<details>
<summary>+/- <code>sagemaker_training_job.xgb</code> must be replaced (spec changed)</summary>

max size: 1 × ml.m5.xlarge × 1h = 1 instance-hour, $0.23 (pinned)

\`\`\`diff
- hyper_parameters.eta = "0.1"
+ hyper_parameters.eta = "0.2" # forces replacement
+ hyper_parameters.subsample = "0.8" # forces replacement
- environment.TOKEN = (sensitive value)
+ environment.TOKEN = (sensitive value) # forces replacement
- stopping_condition.max_runtime_in_seconds = 3600
  description = <<-EOT
      one | two
-     three
+     four
  EOT
\`\`\`

</details>

<details>
<summary>+ <code>sagemaker_hyperparameter_tuning_job.hpo</code> will be created (no current job)</summary>

Deferred: waits for sagemaker_training_job.xgb to finish; a later apply (or apply --wait) creates it.

max size: known after apply (the instance type is known after apply)

</details>

<details>
<summary>~ <code>sagemaker_training_job.tagged</code> will be updated in-place</summary>

\`\`\`diff
+ tags.team = "ml"
- tags.old
+ ResourceConfig = {"KeepAlivePeriodInSeconds":600} # UpdateTrainingJob
\`\`\`

</details>

<details>
<summary>- <code>sagemaker_training_job.gone</code> will be stopped and forgotten (removed from the configuration: its job is stopped and forgotten)</summary>

No attribute changes.

</details>

**Up to date:**

- \`sagemaker_training_job.same\`: job \`same-7\` (Completed)

**Note: objects have changed outside of sageform**

- \`sagemaker_training_job.gone\`: status changed outside sageform: InProgress

**Cost:** at most 1 instance-hour of ml.m5.xlarge, $0.23 (pinned prices). Not counted (size known after apply): sagemaker_hyperparameter_tuning_job.hpo.

**Warnings:**

- **Deprecated attribute** (\`sagemaker_training_job.xgb\`, \`network\`) — Use vpc_config instead.`

describe('plan as Markdown', () => {
  it('renders the heading, change table, collapsible diffs, drift, cost and warnings exactly', () => {
    const actual = renderPlanMarkdown(plan)
    if (actual !== EXPECTED) console.log(actual)
    assert.equal(actual, EXPECTED)
  })

  it('has no ANSI escapes', () => {
    assert.doesNotMatch(renderPlanMarkdown(plan), /\u001b\[/)
  })

  it('says "No changes" and lists what is up to date when nothing changes', () => {
    const quiet: Plan = { ...plan, changes: [changes[4]!], drift: [], diagnostics: [], cost: undefined, refreshed: false, summary: summarize([changes[4]!]) }
    assert.equal(
      renderPlanMarkdown(quiet),
      `<!-- sageform-plan -->
### No changes. Your jobs match the configuration.

**Up to date:**

- \`sagemaker_training_job.same\`: job \`same-7\` (Completed)

_Planned from the state file alone (\`--refresh=false\`)._`,
    )
  })

  it('escapes table cells and lengthens fences around backticks', () => {
    const tricky: ResourceChange = {
      address: 'sagemaker_training_job.t',
      type: 'sagemaker_training_job',
      action: 'replace',
      reason: 'spec_unknown',
      reason_args: { origin: 'a|b' },
      before: { name: 'a`b', status: 'Completed' },
      after: { name: 'c', spec_hash: 'h', generation: 2, request: {}, tags: {} },
      attribute_changes: [{ path: 'x', before: 'p\n```\nq', after: 'p\n```\nr', forces_replacement: true }],
      depends_on: [],
    }
    const md = renderPlanMarkdown({ ...plan, changes: [tricky], drift: [], diagnostics: [], cost: undefined, summary: summarize([tricky]) })
    assert.match(md, /\| ``a`b`` → `c` \| spec depends on a\\\|b \|/)
    assert.match(md, /\n````diff\n[\s\S]*\n````\n/)
  })
})

describe('plan --markdown and show --markdown (built CLI)', () => {
  const example = exampleCopy('bayesian-tuning')

  it('print the same Markdown, with no ANSI even when colour is forced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sageform-md-'))
    const planFile = join(dir, 'plan.json')
    const planned = sageform(['plan', '--markdown', '--refresh=false', '--out', planFile, '-C', example], { env: { NO_COLOR: '', FORCE_COLOR: '1' } })
    assert.equal(planned.status, 0, planned.stderr)
    assert.ok(planned.stdout.startsWith('<!-- sageform-plan -->\n### Plan: 2 to create, 0 to replace, 0 to update, 0 to stop.\n'), planned.stdout)
    assert.match(planned.stdout, /\n```diff\n\+ /)
    assert.doesNotMatch(planned.stdout, /\u001b\[/)
    const shown = sageform(['show', '--markdown', planFile])
    assert.equal(shown.status, 0, shown.stderr)
    assert.equal(shown.stdout, planned.stdout)
  })

  it('refuse --markdown with --json, and show --markdown without a plan file', () => {
    for (const args of [['plan', '--markdown', '--json', '--refresh=false', '-C', example], ['show', '--markdown', '--json', 'plan.json']]) {
      const run = sageform(args)
      assert.equal(run.status, 1)
      assert.match(run.stdout + run.stderr, /--markdown and --json cannot be used together/)
    }
    const run = sageform(['show', '--markdown'])
    assert.equal(run.status, 1)
    assert.match(run.stderr, /--markdown shows a saved plan/)
  })
})
