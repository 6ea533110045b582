import { Flags } from '@oclif/core'
import ApplyCommand from './apply.js'

// apply's flags but those destroy cannot honour: --wait, --poll-interval, --logs and --detailed-exitcode (it stops jobs, it
// has none to wait for) and --replace --quota-check and --refresh-only (it starts no job, and forgets what it would record). The flags' type stays apply's (as the args' does) so the shared
// flow type-checks; --delete is read through mode().
const { wait: _wait, 'poll-interval': _pollInterval, logs: _logs, 'detailed-exitcode': _detailedExitcode, replace: _replace, 'quota-check': _quotaCheck, 'refresh-only': _refreshOnly, ...applyFlags } = ApplyCommand.flags

export default class DestroyCommand extends ApplyCommand {
  static override summary = 'Stop every running job sageform manages and forget them all.'
  static override description = `SageMaker keeps finished jobs in its history: destroy stops the jobs still running and removes every resource from the state file, but the job records stay in SageMaker (and keep their names taken) unless you pass --delete, which also deletes the records with DeleteTrainingJob / DeleteHyperParameterTuningJob once the jobs have stopped.

Exit status: 0 success (or nothing to destroy); 1 error.`
  static override examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy --auto-approve --delete']
  // destroy takes no plan file; the type stays apply's so the shared flow type-checks.
  static override args = {} as typeof ApplyCommand.args
  static override flags = {
    ...applyFlags,
    delete: Flags.boolean({ description: 'Also delete the job records (current and earlier generations) from SageMaker.' }),
  } as unknown as typeof ApplyCommand.flags

  protected override mode(flags: Record<string, unknown>) {
    return { destroy: true, deleteJobs: Boolean(flags.delete), operation: 'destroy' }
  }
}
