// `node --import ./bench/cpu-time.mjs ...`: when the process exits, writes its CPU time (user + system, in µs, as
// process.cpuUsage() counts it from the start of the process) to the file named by SAGEFORM_CPU_FILE. CPU time is far
// less sensitive than wall time to other work on a busy machine.
import { writeFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

// Worker threads load this too: only the main thread writes (cpuUsage counts every thread of the process).
const file = isMainThread ? process.env.SAGEFORM_CPU_FILE : undefined
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage()
    writeFileSync(file, String(user + system))
  })
}
