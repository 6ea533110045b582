import { Args, Flags } from '@oclif/core'
import { EXIT, chdirFlag, connectionFlags, variableFlags } from './base.js'
import { variableSources } from './args.js'
import { StateCommand } from './state-base.js'
import type { ResultsResult } from '../services/results.js'

export default class ResultsCommand extends StateCommand {
  static override summary = "Rank a tuning job's training jobs by the objective and chart its convergence."
  static override description = `Lists the training jobs of the resource's current tuning job (or, with --job, of an earlier one from its history), best objective first (following the objective's Maximize or Minimize; jobs without a final objective last): status, objective, each tuned hyperparameter and duration, the best job marked ★. Below, the objective over launch order as a text chart, with the running best, as wide as the terminal. --json and --csv give the same rows to programs and notebooks.

Reads the state for the job name, then SageMaker (DescribeHyperParameterTuningJob, ListTrainingJobsForHyperParameterTuningJob); writes nothing.

Exit status: 0 success; 1 error.`
  static override examples = [
    '<%= config.bin %> results sagemaker_hyperparameter_tuning_job.reviews_broad',
    '<%= config.bin %> results sagemaker_hyperparameter_tuning_job.reviews_broad --csv > trials.csv',
    '<%= config.bin %> results sagemaker_hyperparameter_tuning_job.reviews_broad --job reviews-broad-1a2b3c4d --json',
  ]
  static override args = { address: Args.string({ description: 'The tuning job resource, e.g. sagemaker_hyperparameter_tuning_job.hpo.', required: true }) }
  static override flags = {
    chdir: chdirFlag,
    ...variableFlags,
    ...connectionFlags,
    job: Flags.string({ description: 'A job of the resource from its history (an earlier generation) instead of the current one.' }),
    csv: Flags.boolean({ description: 'Print CSV (RFC 4180): a header and one row per training job, ranked.', default: false }),
    generations: Flags.boolean({ description: "Compare the resource's generations (re-tunes, replacements): each one's status and best objective, and a warm start's overall best.", default: false, exclusive: ['csv'] }),
  }

  async run(): Promise<ResultsResult> {
    const { flags, args } = await this.parse(ResultsCommand)
    if (flags.csv && this.jsonEnabled()) this.error('--csv and --json cannot be used together.', { exit: EXIT.error })
    const { sources, errors } = variableSources(this.argv)
    if (errors.length > 0) this.error(errors.join('\n'), { exit: EXIT.error })
    const { results } = await import('../services/results.js')
    const result = await results({ dir: flags.chdir, address: args.address, job: flags.job, generations: flags.generations, variables: sources, env: process.env, region: flags.region, profile: flags.profile })
    if (flags.csv && result.tuning_job) {
      const { resultsCsv } = await import('../ui/results.js')
      const { terminalSafe } = await import('../ui/escape.js')
      // RFC 4180's CRLF line ends stay; any other control character in a field is shown escaped.
      process.stdout.write(resultsCsv(result).split('\r\n').map((line) => terminalSafe(line, false)).join('\r\n'))
    }
    return this.finish(result, async () => {
      const { renderResults } = await import('../ui/results.js')
      const { renderGenerations } = await import('../ui/results.js')
      return (r, style) => (flags.csv ? '' : flags.generations ? renderGenerations(r, style) : renderResults(r, style, { width: process.stdout.columns || 80 }))
    })
  }
}
