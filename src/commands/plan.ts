import { Flags } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag, connectionFlags, parallelismFlag, quotaCheckFlag, refreshOnlyFlag, targetFlag, variableFlags } from './base.js'
import { variableSources } from './args.js'
import type { PlanResult } from '../services/plan.js'

export default class PlanCommand extends BaseCommand {
  static override summary = 'Show what apply would change: jobs to create, replace, update or stop.'
  static override description = `Reads the configuration, the state file and (unless --refresh=false) what exists in SageMaker, and shows the changes apply would make. SageMaker jobs are immutable: a changed spec means a new job (replace), never an update, except for tags and the few settings UpdateTrainingJob accepts.

Exit status: 0 success; 1 error; with --detailed-exitcode, 0 no changes, 1 error, 2 changes present.`
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan --out plan.json', '<%= config.bin %> plan -refresh=false', '<%= config.bin %> plan -refresh-only', '<%= config.bin %> plan --replace=sagemaker_training_job.churn', '<%= config.bin %> plan --markdown > plan.md']
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    refresh: Flags.boolean({ description: 'Read the jobs\' live status from SageMaker (--refresh=false plans from state alone).', default: true, allowNo: true }),
    replace: Flags.string({ description: 'Force a new job for this resource even if its spec is unchanged (repeatable).', multiple: true, multipleNonGreedy: true }),
    target: targetFlag,
    'refresh-only': refreshOnlyFlag,
    out: Flags.string({ description: 'Save the plan to this file, for `sageform apply FILE`.' }),
    'detailed-exitcode': Flags.boolean({ description: 'Exit 2 when there are changes, 0 when there are none.' }),
    parallelism: parallelismFlag,
    cost: Flags.boolean({ description: 'Show the most each new job can cost, in instance-hours and on-demand USD (--no-cost skips prices entirely).', default: true, allowNo: true }),
    pricing: Flags.string({ description: 'Pinned prices: a JSON file of instance type to USD per hour (default: sageform.pricing.json beside the manifests, when present).' }),
    'quota-check': quotaCheckFlag,
    markdown: Flags.boolean({ description: 'Print the plan as Markdown (a summary table and collapsible diffs) for a pull-request comment; not with --json.' }),
  }

  async run(): Promise<PlanResult> {
    const { flags } = await this.parse(PlanCommand)
    if (flags.markdown && this.jsonEnabled()) this.error('--markdown and --json cannot be used together.', { exit: EXIT.error })
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    // Started by the entry (src/cli.ts) unless it could not tell this run would refresh.
    const refreshWorker = flags.refresh ? import('../services/setup/refresh-worker.js').then((m) => m.refreshWorker()) : undefined
    const { planService } = await import('../services/plan.js')
    const [{ writePlanFile }, { withoutSnapshot }] = await Promise.all([import('../state/plan-file.js'), import('../plan/file.js')])
    const result = await planService({ dir: flags.chdir, variables: sources, env: process.env, refresh: flags.refresh, replace: flags.replace ?? [], targets: flags.target, refreshOnly: flags['refresh-only'], parallelism: flags.parallelism, region: flags.region, profile: flags.profile, cost: flags.cost ? { pricingFile: flags.pricing } : undefined, quotaCheck: flags['quota-check'] ? {} : undefined, refreshWorker })
    if (result.plan && flags.out && !result.plan.diagnostics.some((d) => d.severity === 'error')) await writePlanFile(flags.out, result.plan)
    const plan = result.plan && withoutSnapshot(result.plan)
    const failed = !plan || plan.diagnostics.some((d) => d.severity === 'error')
    const { hasChanges } = await import('../plan/types.js')
    process.exitCode = failed ? EXIT.error : flags['detailed-exitcode'] && hasChanges(plan) ? EXIT.changes : EXIT.ok
    // A refused plan is shown in Markdown too (its errors listed): a pull request needs to see why.
    if (flags.markdown && plan) {
      const { renderPlanMarkdown } = await import('../ui/markdown.js')
      this.log(renderPlanMarkdown(plan))
      if (flags.out && !failed) this.logToStderr(`Saved the plan to ${flags.out}.`)
    } else if (!this.jsonEnabled()) {
      const { renderPlanResult } = await import('../ui/plan.js')
      this.log(renderPlanResult({ plan, diagnostics: result.diagnostics }, this.style, failed || !flags.out ? undefined : { path: flags.out, chdir: this.typedChdir }))
    }
    return { plan, diagnostics: result.diagnostics }
  }
}
