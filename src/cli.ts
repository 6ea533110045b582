import { flush, handle, run as runOclif } from '@oclif/core'
import { didYouMean } from './diagnostics/index.js'
import { hoistGlobalChdir } from './commands/args.js'
import { COMMANDS } from './commands/index.js'
import { EXIT } from './commands/base.js'
import { oneLine } from './ui/escape.js'

export async function run(argv: string[]): Promise<void> {
  try {
    await runOclif(hoistGlobalChdir(argv), import.meta.url)
    await flush()
  } catch (error) {
    const unknown = /^command (\S+) not found$/.exec((error as Error).message)
    if (unknown) return unknownCommand(unknown[1]!, argv)
    await handle(error as Error)
  }
}

/**
 * oclif reads `validate extra` as a command `validate:extra`: for a command that takes no argument, an extra word is
 * reported as such. Otherwise the command itself is unknown. Either way one sentence, a hint, and exit 1.
 */
function unknownCommand(id: string, argv: string[]): void {
  const words = id.split(':')
  const known = Object.keys(COMMANDS)
  const command = words.map((_, i) => words.slice(0, words.length - i).join(':')).find((prefix) => known.includes(prefix))
  const json = argv.includes('--json')
  let message: string
  let hint: string
  if (command) {
    const extra = words.slice(command.split(':').length)
    message = `Unexpected argument${extra.length > 1 ? 's' : ''} for "sageform ${command.replace(/:/g, ' ')}": ${oneLine(extra.join(' '))}.`
    hint = `See "sageform ${command.replace(/:/g, ' ')} --help" for usage.`
  } else {
    const typed = oneLine(id.replace(/:/g, ' '))
    const suggestion = didYouMean(typed, known.map((k) => k.replace(/:/g, ' ')))
    message = `Unknown command "${typed}"${suggestion ? `: did you mean "${suggestion}"?` : '.'}`
    hint = 'See "sageform --help" for the commands.'
  }
  if (json) process.stdout.write(JSON.stringify({ error: { kind: 'usage', message, hint }, diagnostics: [{ severity: 'error', summary: message, hint }] }, null, 2) + '\n')
  else process.stderr.write(`Error: ${message}\n${hint}\n`)
  process.exitCode = EXIT.error
}
