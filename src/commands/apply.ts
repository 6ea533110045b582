import { Args, Flags, type Interfaces } from '@oclif/core'
import { createInterface } from 'node:readline/promises'
import { BaseCommand, EXIT, WAIT_EXIT, chdirFlag, connectionFlags, parallelismFlag, quotaCheckFlag, refreshOnlyFlag, targetFlag, variableFlags } from './base.js'
import { variableSources } from './args.js'
import type { ApplyOptions, ApplyPayload } from '../services/apply.js'
import type { Interrupts } from './interrupt.js'
import type { WaitPayload } from '../services/wait/follow.js'
import { lockTimeoutFlag, pollIntervalFlag } from './flags.js'
import { jsonSafe } from '../ui/escape.js'

type ApplyFlags = Interfaces.InferredFlags<typeof ApplyCommand.flags>

export default class ApplyCommand extends BaseCommand {
  static override summary = 'Create, replace, update or stop jobs so SageMaker matches the configuration.'
  static override description = `Makes a plan (or takes one saved with plan --out), shows it, asks for "yes", and carries it out. Every successful step is written to the state file at once, so an interrupted apply loses nothing: the next plan finds any job it created and adopts it.

With --wait, apply then follows the jobs it created, replaced, updated or adopted until each has finished: a live view on a terminal, one timestamped line per change elsewhere (as \`sageform watch\`).

Exit status: 0 success (or nothing to do; with --wait, every job Completed); 1 error, including a refused confirmation or a stale plan; 3 with --wait, every job ended but not all Completed; 130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM: the changes running were finished and recorded, the rest not started, the lock released (with --wait, while waiting: the jobs keep running). A usage error is 1, never 2. With --detailed-exitcode, 2 instead of 0 when the apply changed something (started, stopped, updated or deleted a job): a scheduled \`apply --auto-approve --detailed-exitcode\` exits 0 when nothing was due and 2 when it started a new generation.`
  static override examples = ['<%= config.bin %> apply', '<%= config.bin %> apply --auto-approve', '<%= config.bin %> apply plan.json', '<%= config.bin %> apply --auto-approve --wait', '<%= config.bin %> apply -refresh-only', '<%= config.bin %> apply --auto-approve --detailed-exitcode']
  static override args = { planfile: Args.string({ description: 'A plan saved by `sageform plan --out FILE`.' }) }
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    'auto-approve': Flags.boolean({ description: 'Apply without asking for confirmation.' }),
    refresh: Flags.boolean({ description: 'Read live job status from SageMaker before planning.', default: true, allowNo: true }),
    replace: Flags.string({ description: 'Force a new job for this resource (repeatable).', multiple: true, multipleNonGreedy: true }),
    target: targetFlag,
    'refresh-only': refreshOnlyFlag,
    parallelism: parallelismFlag,
    'lock-timeout': lockTimeoutFlag(),
    // The plan apply makes itself (cron, CI) is checked as plan's is; a saved plan was checked when it was made.
    'quota-check': quotaCheckFlag,
    logs: Flags.boolean({ description: 'With --wait: also stream the CloudWatch logs of the training jobs this apply started (plain lines, no live view).', dependsOn: ['wait'] }),
    wait: Flags.boolean({ description: 'Follow the jobs this apply created, replaced, updated or adopted until they finish; exit 3 unless all Completed.' }),
    'poll-interval': pollIntervalFlag(),
    'detailed-exitcode': Flags.boolean({ description: 'Exit 2 when the apply changed something (e.g. started a job), 0 when nothing was due, 1 on error.' }),
  }

  /** What kind of apply this command runs; destroy overrides it. */
  protected mode(_flags: Record<string, unknown>): { destroy?: boolean; deleteJobs?: boolean; operation?: string } {
    return {}
  }

  async run(): Promise<ApplyPayload & { wait?: WaitPayload }> {
    // this.ctor: destroy runs this same flow with its own flags (--delete) and no plan-file argument.
    const { flags, args } = await this.parse(this.ctor as typeof ApplyCommand)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    // destroy has no --wait (its flags leave it out).
    const waitMs = flags.wait ? flags['poll-interval'] : undefined
    const options: ApplyOptions = {
      dir: flags.chdir,
      variables: sources,
      env: process.env,
      refresh: flags.refresh,
      replace: flags.replace ?? [],
      targets: flags.target,
      refreshOnly: flags['refresh-only'],
      parallelism: flags.parallelism,
      region: flags.region,
      profile: flags.profile,
      planFile: args.planfile,
      lockTimeoutMs: flags['lock-timeout'],
      quotaCheck: flags['quota-check'] && !args.planfile ? {} : undefined,
      // The refresh's worker starts now: its start and the SDK's load overlap opening and locking the state.
      refreshWorker: flags.refresh && !args.planfile ? import('../services/setup/refresh-worker.js').then((m) => m.refreshWorker()) : undefined,
      ...this.mode(flags),
    }
    const { Interrupts } = await import('./interrupt.js')
    const interrupts = new Interrupts((line) => this.logToStderr(line))
    options.onLocked = (lock) => interrupts.holding(lock)
    try {
      return await this.apply(options, interrupts, { flags, planfile: args.planfile, waitMs })
    } finally {
      interrupts.dispose()
    }
  }

  private async apply(options: ApplyOptions, interrupts: Interrupts, given: { flags: ApplyFlags; planfile?: string; waitMs?: number }): Promise<ApplyPayload & { wait?: WaitPayload }> {
    const { flags, waitMs } = given
    const { prepareApply, executeApply, abandonApply } = await import('../services/apply.js')
    const { renderPlan } = await import('../ui/plan.js')
    const { renderDiagnostics } = await import('../ui/diagnostics.js')
    const { renderEvent, renderApplySummary } = await import('../ui/apply.js')
    const { prepared, diagnostics } = await prepareApply(options)
    if (prepared && interrupts.signal.aborted) {
      // Interrupted while planning: nothing was changed yet, and nothing will be.
      const stopped = { severity: 'error' as const, summary: 'Apply interrupted', detail: 'The signal came before anything was applied: nothing was changed, and the lock was released.' }
      const payload = await abandonApply(options, prepared, [...diagnostics, stopped])
      process.exitCode = interrupts.exitCode
      if (!this.jsonEnabled()) this.logToStderr(renderDiagnostics([stopped], this.style))
      return payload
    }
    if (!prepared) {
      process.exitCode = EXIT.error
      if (!this.jsonEnabled()) this.log(renderDiagnostics(diagnostics, this.style))
      if (interrupts.exitCode) process.exitCode = interrupts.exitCode
      return abandonApply(options, undefined, diagnostics)
    }
    interrupts.holding(prepared.lock)
    prepared.backend = interrupts.track(prepared.backend)
    const { hasChanges } = await import('../plan/types.js')
    // What the run itself found (a stale lock taken over), beside the plan's own warnings.
    const ownDiagnostics = diagnostics.filter((d) => !prepared.plan.diagnostics.includes(d))
    if (!this.jsonEnabled() && ownDiagnostics.length > 0) this.logToStderr(renderDiagnostics(ownDiagnostics, this.style))
    if (!this.jsonEnabled()) this.log(renderPlan(prepared.plan, this.style))
    const changes = hasChanges(prepared.plan)
    if (changes && !flags['auto-approve'] && !given.planfile) {
      const approved = await this.confirm(interrupts.signal)
      if (approved !== true) {
        const payload = await abandonApply(options, prepared, diagnostics)
        process.exitCode = approved === 'interrupted' ? (interrupts.exitCode ?? EXIT.interrupted) : EXIT.error
        this.log(
          approved === undefined
            ? 'Apply needs confirmation, and there is no terminal to ask: run with --auto-approve (or apply a saved plan file).'
            : approved === 'interrupted'
              ? '\nApply cancelled (interrupted): nothing was changed, and the lock was released.'
              : 'Apply cancelled.',
        )
        return payload
      }
    }
    const result = await executeApply(
      prepared,
      (event) => {
        const line = this.jsonEnabled() ? undefined : renderEvent(event, this.style)
        if (line) this.log(line)
      },
      // Terraform's way when even errored.tfstate cannot be written: the state goes to stderr, where a log keeps it.
      { signal: interrupts.signal, onUnsavedState: (json) => process.stderr.write(`${jsonSafe(json)}\n`) },
    )
    result.diagnostics.unshift(...ownDiagnostics)
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    if (!this.jsonEnabled() && (changes || result.summary.failed > 0)) this.log(renderApplySummary(result, this.style, prepared.backend.location, waitMs !== undefined && result.applied))
    if (interrupts.exitCode) {
      process.exitCode = interrupts.exitCode
      return result
    }
    // --wait has its own Ctrl-C: stop watching, not the jobs.
    interrupts.dispose()
    if (waitMs !== undefined && result.applied && prepared.api) {
      const { waitForApplied } = await import('../services/wait/follow.js')
      const { waitView } = await import('../ui/watch.js')
      const { wantsColor } = await import('../ui/style.js')
      // Log lines and a redrawn live view cannot share the screen: with --logs, progress is plain lines too.
      const view = waitView({ write: (line) => this.log(line), style: this.style, json: this.jsonEnabled(), color: !flags.logs && wantsColor(this.argv.includes('--no-color')), afterApply: true })
      const { wait, end } = await waitForApplied(prepared, result, { view, intervalMs: waitMs, lockWaitMs: flags['lock-timeout'], ...(flags.logs ? { logs: { region: flags.region, profile: flags.profile } } : {}) })
      // A failed wait (a deferred change not created) is an apply error; otherwise an apply error outranks the wait.
      if (end === 'failed' || process.exitCode === undefined || process.exitCode === EXIT.ok) process.exitCode = WAIT_EXIT[end]
      this.markChanged(flags['detailed-exitcode'], result)
      return { ...result, wait }
    }
    this.markChanged(flags['detailed-exitcode'], result)
    return result
  }

  /** --detailed-exitcode: 2 when something was done, unless an error (1) or an unfinished wait (3, 130) says more. */
  private markChanged(detailed: boolean | undefined, result: ApplyPayload): void {
    const changed = result.results.some((r) => r.outcome === 'done' && r.action !== 'no-op')
    if (detailed && changed && (process.exitCode === undefined || process.exitCode === EXIT.ok)) process.exitCode = EXIT.changes
  }

  /**
   * Terraform's prompt: only "yes" proceeds. Undefined when nobody can answer (no TTY); 'interrupted' on Ctrl-C (which
   * readline reads as a key on a terminal) or a signal while waiting for the answer.
   */
  private async confirm(signal: AbortSignal): Promise<boolean | 'interrupted' | undefined> {
    if (!process.stdin.isTTY) return undefined
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const ctrlC = new AbortController()
    rl.on('SIGINT', () => ctrlC.abort())
    try {
      const answer = await rl.question('\nDo you want to perform these actions?\n  Only "yes" will be accepted to approve.\n\n  Enter a value: ', { signal: AbortSignal.any([signal, ctrlC.signal]) })
      return answer.trim() === 'yes'
    } catch (error) {
      if ((error as Error).name === 'AbortError') return 'interrupted'
      throw error
    } finally {
      rl.close()
    }
  }
}
