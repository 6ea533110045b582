// `node --import ./bench/usage.mjs ...`: when the process exits, writes its CPU time (user + system, µs) and peak
// resident set size (kB) as JSON to the file named by SAGEFORM_USAGE_FILE, for benchmarks that spawn the CLI.
import { writeFileSync } from 'node:fs'

const file = process.env.SAGEFORM_USAGE_FILE
if (file) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage()
    writeFileSync(file, JSON.stringify({ cpu: userCPUTime + systemCPUTime, maxRSS }))
  })
}
