import { flush, handle, run as runOclif } from '@oclif/core'
import { hoistGlobalChdir } from './commands/args.js'

export async function run(argv: string[]): Promise<void> {
  try {
    await runOclif(hoistGlobalChdir(argv), import.meta.url)
    await flush()
  } catch (error) {
    await handle(error as Error)
  }
}
