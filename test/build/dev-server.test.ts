// `npm run dev` serves the renderer from Vite's dev server: the page it serves must carry the
// dev-only policy (the React refresh preamble is an inline script the strict policy would block),
// and a build must keep the strict one. Runs the renderer part of electron.vite.config.ts.
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer, type InlineConfig } from 'vite'
import { describe, expect, it } from 'vitest'
import config from '../../electron.vite.config'
import { META_CSP } from '../../src/shared/csp'

describe('the dev server', () => {
  it('serves index.html with the dev policy and the refresh preamble it allows; the source keeps the strict one', async () => {
    const renderer = (config as { renderer: InlineConfig }).renderer
    const server = await createServer({
      ...renderer,
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    })
    await server.listen()
    try {
      const { port } = server.httpServer!.address() as AddressInfo
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text()
      const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1]
      expect(policy).toContain("script-src 'self' 'unsafe-inline'")
      expect(policy).toMatch(/connect-src 'self' ws:\/\/(127\.0\.0\.1|localhost):\d+/)
      // the React refresh preamble: an inline module script
      expect(html, html).toMatch(/<script type="module">[^<]*injectIntoGlobalHook/)
    } finally {
      await server.close()
    }
    expect(readFileSync('src/renderer/index.html', 'utf8')).toContain(META_CSP)
  })
})
