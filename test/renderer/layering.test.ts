// The renderer's layering, made visible: it imports only src/shared, src/web/client, its own
// modules and its browser libraries; only bridge.ts touches `window`; the pure model modules
// (tested here under Node) use no DOM.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const RENDERER = join(ROOT, 'src/renderer')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : []
  })
}

const imports = (text: string) =>
  [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  )

describe('renderer layering', () => {
  const all = files(RENDERER)

  it('imports nothing from main, preload, electron or Node', () => {
    const allowedPackages = /^(react|react-dom|react\/jsx-runtime|react-dom\/client|zustand(\/.*)?)$/
    for (const file of all) {
      for (const spec of imports(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = relative(ROOT, resolve(file, '..', spec))
          expect(target, `${relative(ROOT, file)} imports ${spec}`).toMatch(/^src\/(renderer|shared|web\/client)(\/|$)/)
        } else {
          expect(spec, `${relative(ROOT, file)} imports ${spec}`).toMatch(allowedPackages)
        }
      }
    }
  })

  it('touches window only in bridge.ts', () => {
    for (const file of all) {
      if (file.endsWith('bridge.ts')) continue
      const code = readFileSync(file, 'utf8')
        .replace(/\/\/.*$/gm, '')
        .replace(/\/\*[\s\S]*?\*\//g, '')
      expect(
        /(?<![.\w])window\s*[.[]/.test(code) || /(?<![.\w])window\s+as\b/.test(code),
        `${relative(ROOT, file)} uses window`,
      ).toBe(false)
    }
  })

  it('keeps model/ free of the DOM and React', () => {
    for (const file of all.filter((f) => f.includes('/model/'))) {
      const code = readFileSync(file, 'utf8')
      expect(code, relative(ROOT, file)).not.toMatch(
        /\b(document|HTMLElement|HTMLCanvasElement|CanvasRenderingContext2D|requestAnimationFrame)\b/,
      )
      for (const spec of imports(code)) expect(spec, relative(ROOT, file)).not.toMatch(/^react/)
    }
  })
})
