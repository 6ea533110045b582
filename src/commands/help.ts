import { Args, loadHelpClass } from '@oclif/core'
import { didYouMean } from '../diagnostics/index.js'
import { oneLine } from '../ui/escape.js'
import { BaseCommand, EXIT } from './base.js'

export default class HelpCommand extends BaseCommand {
  static override summary = 'Show help for sageform, a command or a topic (also: -h, -help, --help after any command).'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help plan', '<%= config.bin %> help state mv']
  static override enableJsonFlag = false
  static override strict = false
  static override args = { command: Args.string({ description: 'The command or topic, in words as typed (e.g. plan, state, state mv).' }) }

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand)
    const words = argv as string[]
    const id = words.join(':')
    if (words.length > 0 && !this.config.findCommand(id) && !this.config.findTopic(id)) return reportUnknownCommand(id, this.argv, [...this.config.commandIDs, ...this.config.topics.map((t) => t.name)])
    const Help = await loadHelpClass(this.config)
    const help = new Help(this.config)
    // oclif's showHelp skips the word "help" itself, so `sageform help help` names its command directly.
    const command = this.config.findCommand(id)
    await (command ? help.showCommandHelp(command, this.config.topics) : help.showHelp(words))
  }
}

/**
 * An unknown command: one sentence with a did-you-mean over `known` (command and topic ids, ':'-joined), a hint, exit 1
 * (never 2, which means "changes"). With --json, the error payload (schemas/error.json) on stdout instead.
 */
export function reportUnknownCommand(id: string, argv: readonly string[], known: readonly string[]): void {
  const typed = oneLine(id.replace(/:/g, ' '))
  const suggestion = didYouMean(typed, known.map((k) => k.replace(/:/g, ' ')))
  const message = `Unknown command "${typed}"${suggestion ? `: did you mean "${suggestion}"?` : '.'}`
  writeUsageError(message, 'See "sageform --help" for the commands.', argv.includes('--json'))
}

export function writeUsageError(message: string, hint: string, json: boolean): void {
  if (json) process.stdout.write(JSON.stringify({ error: { kind: 'usage', message, hint }, diagnostics: [{ severity: 'error', summary: message, hint }] }, null, 2) + '\n')
  else process.stderr.write(`Error: ${message}\n${hint}\n`)
  process.exitCode = EXIT.error
}
