// StrykerJS for one file of src/shared at a time; scripts/mutate.mjs sets the environment.
//   MUTATE_FILE   the file to mutate (src/shared/x.ts)
//   MUTATE_OUT    where the JSON report and the incremental file go (under reports/, never committed)
//   MUTATE_TESTS  the test files to run against it (comma separated; read by ./vitest.config.ts)
const file = process.env.MUTATE_FILE
const out = process.env.MUTATE_OUT
if (!file || !out || !process.env.MUTATE_TESTS) throw new Error('run StrykerJS through `npm run mutate`')

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'mutation/vitest.config.ts', related: false },
  mutate: [file],
  // The sandbox needs the sources, the tests and the built addon (a few tests compare with the engine).
  ignorePatterns: [
    '/*',
    '!/src',
    '!/test',
    '!/mutation',
    '!/native',
    '/native/src',
    '/native/tests',
    '/native/examples',
    '!/package.json',
    '!/tsconfig*.json',
  ],
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  // event-recorder: each mutant's result as soon as it is tested (under <out>/events), so the
  // survivors of a long run can be read before it ends
  reporters: ['json', 'progress', 'event-recorder'],
  eventReporter: { baseDir: `${out}/events` },
  jsonReporter: { fileName: `${out}/report.json` },
  // 2 cores shared with everything else; scripts/mutate.mjs also runs Stryker at nice 19.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
