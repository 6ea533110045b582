// `sageform convert FILE...`: each Terraform file rewritten as a native sageform configuration (src/model/convert.ts).
import { readFile } from 'node:fs/promises'
import { format } from '@cdktn/hcl-tools'
import { Diagnostics, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js'
import { pointRange } from '../config/parse.js'
import { convertSource } from '../model/convert.js'

/** The `convert --json` payload (schemas/convert.json). */
export interface ConvertResult {
  /** Only when every file converted: a partial conversion is not a configuration to copy from. */
  files: Array<{ path: string; output: string }>
  diagnostics: Diagnostic[]
}

export async function convertFiles(paths: string[]): Promise<ConvertResult> {
  const diags = new Diagnostics()
  const files: ConvertResult['files'] = []
  for (const path of paths) {
    let source: string
    try {
      source = await readFile(path, 'utf8')
    } catch (error) {
      diags.error('Cannot read file', { detail: `${path}: ${(error as NodeJS.ErrnoException).message}`, hint: 'Pass the *.tf files to convert.' })
      continue
    }
    const converted = await convertSource(path, source, format)
    diags.append(converted.diagnostics)
    if (converted.output === undefined) continue
    if (!converted.changed) {
      diags.error('Nothing to convert', {
        detail: `${path} has no terraform-provider-aws SageMaker resource, provider "aws" or Terraform-only block: it already reads as a sageform configuration.`,
        range: pointRange(path, source, 0),
        hint: 'Pass the files that declare aws_sagemaker_training_job or aws_sagemaker_hyper_parameter_tuning_job.',
      })
      continue
    }
    files.push({ path, output: converted.output })
  }
  return { files: diags.hasErrors ? [] : files, diagnostics: sortDiagnostics(diags.items) }
}
