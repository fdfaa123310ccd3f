// The layer rules of STYLE.md, checked over the source text: shared depends on no other layer; preload
// uses electron + shared only; the renderer and the web client never reach main, preload, the
// web server, Electron or Node; the run service, the web host and the CLI never import Electron or
// src/main; every file of src/main is Electron glue (it imports electron).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const SRC = join(ROOT, 'src')
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

function files(dir: string): string[] {
  let out: string[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) out = out.concat(files(path))
    else if (/\.(ts|tsx|mts|cts)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path)
  }
  return out
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4])
}

/** Where an import points: 'src/<layer>/…' for relative ones, else the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec
  return relative(ROOT, resolve(dirname(file), spec))
    .split('\\')
    .join('/')
}

function violations(layer: string, allowed: (target: string, file: string) => boolean): string[] {
  const bad: string[] = []
  const dir = join(SRC, layer)
  for (const file of files(dir)) {
    for (const spec of imports(file)) {
      const to = target(file, spec)
      if (!allowed(to, file)) bad.push(`${relative(ROOT, file)} imports ${spec}`)
    }
  }
  return bad
}

const inside = (to: string, ...dirs: string[]) => dirs.some((d) => to === `src/${d}` || to.startsWith(`src/${d}/`))

describe('import layers', () => {
  it('finds the source files it checks', () => {
    expect(files(join(SRC, 'main')).length).toBeGreaterThan(0)
    expect(files(join(SRC, 'service')).length).toBeGreaterThan(0)
    expect(files(join(SRC, 'cli')).length).toBeGreaterThan(0)
    expect(files(join(SRC, 'preload')).length).toBeGreaterThan(0)
    expect(imports(join(SRC, 'preload/index.ts'))).toContain('electron')
  })

  it('src/shared depends on no other layer, no Electron, no Node (pure packages are fine)', () => {
    const bad = violations('shared', (to) =>
      to.startsWith('src/')
        ? inside(to, 'shared')
        : to !== 'electron' && !NODE.has(to) && !/^react(-dom)?(\/|$)/.test(to),
    )
    expect(bad).toEqual([])
  })

  it('src/preload imports only electron and src/shared', () => {
    expect(violations('preload', (to) => to === 'electron' || inside(to, 'shared', 'preload'))).toEqual([])
  })

  it('src/renderer never imports main, preload, the web server, electron or Node', () => {
    const bad = violations('renderer', (to) => {
      if (to.startsWith('src/')) return inside(to, 'renderer', 'shared', 'web/client')
      return to !== 'electron' && !NODE.has(to)
    })
    expect(bad).toEqual([])
  })

  it('the web client uses only src/shared (and itself)', () => {
    expect(violations('web/client', (to) => to.startsWith('src/') && inside(to, 'web/client', 'shared'))).toEqual([])
  })

  it('the run service, the web host and the CLI never import electron or src/main', () => {
    const hostAgnostic = (to: string) => to !== 'electron' && !inside(to, 'main', 'preload', 'renderer')
    expect(violations('service', (to) => hostAgnostic(to) && !inside(to, 'web', 'cli'))).toEqual([])
    expect(violations('web/server', hostAgnostic)).toEqual([])
    expect(violations('cli', hostAgnostic)).toEqual([])
  })

  it('every file of src/main is Electron glue: it imports electron', () => {
    const glueless = files(join(SRC, 'main')).filter((file) => !imports(file).includes('electron'))
    expect(glueless.map((file) => relative(ROOT, file))).toEqual([])
  })
})
