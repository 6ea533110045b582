import { Args, Flags } from '@oclif/core'
import { BaseCommand, EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { variableSources } from './args.js'
import { pollIntervalFlag } from './flags.js'

export default class LogsCommand extends BaseCommand {
  static override enableJsonFlag = false
  static override summary = "Print a job's CloudWatch logs; --follow streams them until the job ends."
  static override description = `Reads the training job's log streams in /aws/sagemaker/TrainingJobs, one per instance; lines from a job on several instances start with the host, e.g. [algo-1]. For a tuning job, the logs of its best training job, or of the one named with --training-job. Without --follow, prints what exists and exits; with it, keeps polling until the job has completed, failed or stopped, prints the rest and exits. The log goes to stdout; the job's final status and any problem to stderr.

Against the local endpoint (AWS_ENDPOINT_URL_SAGEMAKER on 127.0.0.1 or localhost) the logs are read from it too, unless AWS_ENDPOINT_URL_CLOUDWATCH_LOGS or AWS_ENDPOINT_URL names another endpoint.

Exit status: 0 success; 1 error.`
  static override examples = [
    '<%= config.bin %> logs sagemaker_training_job.churn --follow',
    '<%= config.bin %> logs sagemaker_hyperparameter_tuning_job.hpo --training-job hpo-1a2b3c4d-007-5e6f7a8b',
  ]
  static override args = { address: Args.string({ description: 'Resource address, e.g. sagemaker_training_job.churn.', required: true }) }
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    follow: Flags.boolean({ char: 'f', description: 'Keep printing new lines until the job ends.' }),
    'training-job': Flags.string({ description: "For a tuning job: the training job whose logs to print (default: the tuning job's best)." }),
    'poll-interval': pollIntervalFlag({ description: 'With --follow, how long to wait between reads, e.g. 2s or 500ms.' }),
  }

  async run(): Promise<void> {
    const { flags, args } = await this.parse(LogsCommand)
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const { logs } = await import('../services/logs.js')
    const { renderLogLine, renderLogsEnd } = await import('../ui/logs.js')
    const result = await logs(
      { dir: flags.chdir, address: args.address, trainingJob: flags['training-job'], follow: flags.follow, pollIntervalMs: flags['poll-interval'], variables: sources, env: process.env, region: flags.region, profile: flags.profile },
      (line) => this.log(renderLogLine(line, this.style)),
    )
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.error
    const end = renderLogsEnd(result, this.style)
    if (end) this.logToStderr(end)
    if (result.diagnostics.length > 0) {
      const { renderDiagnostics } = await import('../ui/diagnostics.js')
      this.logToStderr(renderDiagnostics(result.diagnostics, this.style))
    }
  }
}
