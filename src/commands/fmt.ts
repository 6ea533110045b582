import { text } from 'node:stream/consumers'
import { Flags } from '@oclif/core'
import { BaseCommand, chdirFlag, EXIT } from './base.js'
import type { FmtResult } from '../services/fmt.js'

export default class Fmt extends BaseCommand {
  static override summary = "Rewrite manifests in Terraform's canonical style."
  static override description = `Formats *.hcl, *.vars.hcl, *.tf and *.tfvars files the way terraform fmt does (HashiCorp's HCL formatter): aligned equals signs, two-space indentation, one space inside brackets. Without arguments, the files of the configuration directory (-C); with files or directories, those; with "-", standard input to standard output. A file that does not parse is reported and left as it is. Files are replaced whole (a new file renamed over the old), never half-written.

Lists the files it changed; --check changes nothing and lists the files that need formatting; --diff shows each change as a unified diff.

Exit status: 0 done, or with --check every file is formatted; 1 invalid flags; 2 a file could not be read, parsed or written; 3 with --check, some file needs formatting.`
  static override examples = ['<%= config.bin %> fmt', '<%= config.bin %> fmt -check -recursive', '<%= config.bin %> fmt -diff -write=false main.hcl', 'cat main.hcl | <%= config.bin %> fmt -']
  static override strict = false
  static override flags = {
    chdir: chdirFlag,
    check: Flags.boolean({ description: 'Change nothing; exit 3 if any file needs formatting (and list it).', default: false }),
    diff: Flags.boolean({ description: 'Show the changes as unified diffs.', default: false }),
    recursive: Flags.boolean({ description: 'Also format the files in subdirectories.', default: false }),
    write: Flags.boolean({ description: 'Write the formatted files (--no-write, Terraform\'s -write=false: only list or diff).', default: true, allowNo: true }),
    list: Flags.boolean({ description: 'List the files whose formatting changed (--no-list, -list=false: do not).', default: true, allowNo: true }),
  }

  async run(): Promise<FmtResult> {
    const { flags, argv } = await this.parse(Fmt)
    const { formatManifests } = await import('../services/fmt.js')
    const targets = argv as string[]
    const result = await formatManifests({
      targets,
      dir: flags.chdir,
      recursive: flags.recursive,
      check: flags.check,
      diff: flags.diff,
      write: flags.write,
      readStdin: () => text(process.stdin),
    })
    if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = EXIT.fmtInvalidFile
    else if (flags.check && result.files.some((f) => f.changed)) process.exitCode = EXIT.fmtUnformatted
    if (!this.jsonEnabled()) {
      const [{ renderFmt }, { renderDiagnostics }] = await Promise.all([import('../ui/fmt.js'), import('../ui/diagnostics.js')])
      const out = renderFmt(result, { list: flags.list })
      if (out) process.stdout.write(out)
      if (result.diagnostics.length > 0) this.logToStderr(renderDiagnostics(result.diagnostics, this.style))
    }
    return result
  }
}
