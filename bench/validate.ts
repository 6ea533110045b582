// Cold wall time of `sageform validate`: each run is a fresh process, as a user or CI would start it.
// Prints the median of 5 for every example and for a generated 500-resource configuration.
// Targets (2-core machine): examples <= 0.5 s, 500 resources <= 1.5 s.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generatedConfiguration } from './generate.js'

const root = join(import.meta.dirname, '..')
const bin = join(root, 'bin', 'run.js')
const RUNS = 5

function coldMedian(args: string[]): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint()
    execFileSync(process.execPath, [bin, ...args], { stdio: 'ignore' })
    times.push(Number(process.hrtime.bigint() - start) / 1e9)
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!
}

const rows: Array<[string, number, number]> = []
for (const example of readdirSync(join(root, 'examples')).filter((e) => e !== 'ci').sort()) {
  rows.push([`examples/${example}`, coldMedian(['validate', '-C', join(root, 'examples', example)]), 0.5])
}
const big = mkdtempSync(join(tmpdir(), 'sageform-bench-'))
writeFileSync(join(big, 'main.hcl'), generatedConfiguration(500))
rows.push(['generated, 500 resources', coldMedian(['validate', '-C', big]), 1.5])
rows.push(['sageform --help', coldMedian(['--help']), 0.5])

console.log(`validate, cold wall time, median of ${RUNS} (node ${process.version}, ${process.platform})`)
console.log('| configuration | median | target |')
console.log('| --- | --- | --- |')
for (const [name, seconds, target] of rows) console.log(`| ${name} | ${seconds.toFixed(3)} s | ${seconds <= target ? '≤' : '>'} ${target} s |`)
