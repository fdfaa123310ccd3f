// The layer table (eslint.config.mjs, DESIGN.md) enforced by the real linters: each probe is a bad
// import placed in a layer's folder, linted with the project's own config, and must fail naming the
// rule and the layer; the same import from a layer that may use it passes. The whole tree is linted
// by `npm run lint`; this shows the rules would catch a regression, not just that today is clean.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ESLint, type Linter } from 'eslint'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
// Layer rules need no type information: linting probes without it keeps this test fast.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) =>
    !ruleId.startsWith('@typescript-eslint/') || ruleId === '@typescript-eslint/no-unused-vars',
})

async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) })
  return result.messages.filter((m) => m.ruleId !== '@typescript-eslint/no-unused-vars')
}

const failsWith = async (file: string, code: string, rule: string, words: RegExp) => {
  const messages = await lint(file, code)
  expect(messages.map((m) => `${m.ruleId}: ${m.message}`)).toContainEqual(expect.stringMatching(words))
  expect(messages.map((m) => m.ruleId)).toContain(rule)
}

describe('layer rules (ESLint, the project config)', () => {
  it.each([
    ['src/renderer/model/probe.ts', "import '../../main/index'", /src\/renderer must not import src\/main/],
    ['src/renderer/components/probe.tsx', "import '../../service/run-service'", /must not import src\/service/],
    ['src/renderer/probe.ts', "import 'electron'", /src\/renderer must not import electron/],
    ['src/renderer/view/probe.ts', "import 'node:fs'", /runs without Node.*node:fs/],
    ['src/shared/probe.ts', "import 'electron'", /src\/shared must not import electron/],
    ['src/shared/probe.ts', "import '../renderer/bridge'", /src\/shared must not import src\/renderer/],
    ['src/shared/probe.ts', "import 'node:path'", /src\/shared runs without Node/],
    ['src/preload/probe.ts', "import 'ws'", /src\/preload may import only electron/],
    ['src/preload/probe.ts', "import '../main/index'", /src\/preload must not import src\/main/],
    ['src/web/client/probe.ts', "import '../server/server'", /src\/web\/client must not import src\/web\/server/],
    ['src/service/probe.ts', "import 'electron'", /src\/service must not import electron/],
    ['src/cli/probe.ts', "import 'electron'", /src\/cli must not import electron/],
    ['src/web/server/probe.ts', "import '../../renderer/bridge'", /src\/web\/server must not import src\/renderer/],
    ['src/web/server/probe.ts', "import '../../main/index'", /src\/web\/server must not import src\/main/],
    ['src/cli/probe.ts', "import '../main/index'", /src\/cli must not import src\/main/],
    ['src/service/probe.ts', "import '../main/index'", /src\/service must not import src\/main/],
  ])('%s: %s fails', async (file, code, words) => {
    await failsWith(file, code, 'no-restricted-imports', words)
  })

  it('lets each layer import what the table allows', async () => {
    expect(await lint('src/renderer/model/probe.ts', "import '../../shared/api'")).toEqual([])
    expect(await lint('src/preload/probe.ts', "import 'electron'\nimport '../shared/api'")).toEqual([])
    expect(await lint('src/main/probe.ts', "import 'electron'\nimport 'node:fs'")).toEqual([])
    expect(await lint('src/shared/probe.ts', "import 'fflate'")).toEqual([])
  })

  it('only bridge.ts touches window; model/ and paint/ have no DOM and no React', async () => {
    await failsWith(
      'src/renderer/components/probe.tsx',
      'export const w = window.innerWidth',
      'no-restricted-globals',
      /only src\/renderer\/bridge.ts touches window/,
    )
    expect(await lint('src/renderer/bridge.ts', 'export const w = window.innerWidth')).toEqual([])
    await failsWith(
      'src/renderer/model/probe.ts',
      'export const d = document.title',
      'no-restricted-globals',
      /model is pure.*document/,
    )
    await failsWith('src/renderer/model/probe.ts', "import 'react'", 'no-restricted-imports', /model is pure.*no React/)
    await failsWith(
      'src/renderer/paint/probe.ts',
      'export const c = document.createElement("canvas")',
      'no-restricted-globals',
      /paint is pure.*document/,
    )
  })

  it('every file of src/main is Electron glue: it imports electron', () => {
    const glueless = readdirSync(join(ROOT, 'src/main'))
      .filter((f) => /\.tsx?$/.test(f))
      .filter((f) => !/from 'electron'|import 'electron'/.test(readFileSync(join(ROOT, 'src/main', f), 'utf8')))
    expect(glueless).toEqual([])
  })

  it('a file in a folder the table does not place is refused', async () => {
    await failsWith('src/newlayer/probe.ts', 'export const x = 1', 'no-restricted-syntax', /not in the layer table/)
  })
})

describe('layer rules (Rust engine)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'threadlab-engine-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const check = (source: string) => {
    mkdirSync(join(dir, 'engine'), { recursive: true })
    writeFileSync(join(dir, 'engine', 'probe.rs'), source)
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts/rust-layers.mjs'), join(dir, 'engine')], { stdio: 'pipe' })
      return ''
    } catch (e) {
      return String((e as { stderr: Buffer }).stderr)
    }
  }

  it('fails on `use napi` in the engine, naming the rule', () => {
    expect(check('use napi::bindgen_prelude::*;\n')).toMatch(/probe\.rs:1: layer rule engine-no-napi/)
    expect(check('#[napi]\npub fn f() {}\n')).toMatch(/probe\.rs:1: layer rule engine-no-napi/)
  })

  it('passes the engine as it is, and napi named only in comments', () => {
    expect(check('// the napi layer implements this sink\npub fn f() {}\n')).toBe('')
    execFileSync(process.execPath, [join(ROOT, 'scripts/rust-layers.mjs')], { cwd: ROOT, stdio: 'pipe' })
  })
})
