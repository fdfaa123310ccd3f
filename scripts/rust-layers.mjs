// The Rust half of the layer table: the engine (native/src/engine) is pure Rust, testable with
// `cargo test` and no Node, so it must not name napi. Rust has no import-restriction lint, so this
// reads the engine's source the way ESLint's no-restricted-imports reads ours: every `napi` path
// outside comments is a violation, reported as `file:line`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const RULE = 'layer rule engine-no-napi'

/** @returns {string[]} one line per violation: `path:line: message` */
export function engineLayerViolations(engineDir = 'native/src/engine') {
  const out = []
  for (const file of rustFiles(engineDir)) {
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '')
      if (/\b(use|extern\s+crate)\s+(::)?napi(_derive|_sys)?\b|\bnapi(_derive|_sys)?::|#\[\s*napi\b/.test(code)) {
        out.push(
          `${relative('.', file)}:${i + 1}: ${RULE}: the engine must not use napi (only native/src/napi_*.rs may)`,
        )
      }
    })
  }
  return out
}

function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? rustFiles(path) : name.endsWith('.rs') ? [path] : []
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = engineLayerViolations(process.argv[2])
  for (const v of violations) console.error(v)
  process.exit(violations.length ? 1 : 0)
}
