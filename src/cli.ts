import { flush, handle, run as runOclif } from '@oclif/core'
import { helpCommandArgv, hoistGlobalChdir, plansWithRefresh } from './commands/args.js'
import { reportUnknownCommand, writeUsageError } from './commands/help.js'
import { oneLine } from './ui/escape.js'
import { startRefreshWorkerEarly } from './services/setup/refresh-worker.js'

export async function run(argv: string[]): Promise<void> {
  // A plan's refresh worker loads the SDK while oclif, the command and its service load (services/setup/refresh-worker.ts).
  if (plansWithRefresh(argv)) startRefreshWorkerEarly()
  try {
    await runOclif(helpCommandArgv(hoistGlobalChdir(argv)), import.meta.url)
    await flush()
  } catch (error) {
    // "command X not found" from a run, "Command X not found." from help (`sageform plna --help`).
    const unknown = /^command (\S+) not found\.?$/i.exec((error as Error).message)
    if (unknown) return unknownCommand(unknown[1]!, argv)
    await handle(error as Error)
  }
}

/**
 * oclif reads `validate extra` as a command `validate:extra`: for a command that takes no argument, an extra word is
 * reported as such. Otherwise the command itself is unknown. Either way one sentence, a hint, and exit 1.
 */
async function unknownCommand(id: string, argv: string[]): Promise<void> {
  // Imported only on this error path: with oclif.manifest.json (written by the build) oclif lists and describes the
  // commands without loading them, so `sageform --help` never evaluates the command modules.
  const { COMMANDS } = await import('./commands/index.js')
  const words = id.split(':')
  const known = Object.keys(COMMANDS)
  const command = words.map((_, i) => words.slice(0, words.length - i).join(':')).find((prefix) => known.includes(prefix))
  if (!command) return reportUnknownCommand(id, argv, [...known, ...Object.keys(COMMANDS).flatMap((k) => (k.includes(':') ? [k.split(':')[0]!] : []))])
  const extra = words.slice(command.split(':').length)
  const message = `Unexpected argument${extra.length > 1 ? 's' : ''} for "sageform ${command.replace(/:/g, ' ')}": ${oneLine(extra.join(' '))}.`
  writeUsageError(message, `See "sageform ${command.replace(/:/g, ' ')} --help" for usage.`, argv.includes('--json'))
}
