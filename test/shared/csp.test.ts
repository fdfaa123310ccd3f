import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  ELECTRON_CSP,
  META_CSP,
  contentSecurityPolicy,
  devContentSecurityPolicy,
  withDevCsp,
} from '../../src/shared/csp'

describe('Content-Security-Policy', () => {
  it("the renderer's meta tag carries exactly the policy defined in src/shared/csp.ts", () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)
    expect(meta?.[1]).toBe(META_CSP)
  })

  it('allows no inline script or style, no plugins, no foreign connections', () => {
    for (const policy of [META_CSP, ELECTRON_CSP, contentSecurityPolicy(["'self'", 'ws://127.0.0.1:5217'])]) {
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|(^|\s)\*(\s|;|$)|https?:/)
      expect(policy).toContain("object-src 'none'")
      expect(policy).toContain("default-src 'none'")
    }
    expect(ELECTRON_CSP).toContain("frame-ancestors 'none'")
    expect(META_CSP).not.toContain('frame-ancestors') // ignored (with an error) in a meta tag
  })

  it("Electron's header lets the page connect nowhere: its host is a MessagePort, which CSP does not govern", () => {
    expect(ELECTRON_CSP).toContain("connect-src 'none'")
    expect(ELECTRON_CSP).not.toMatch(/ws:|'self' ws/)
  })

  it('the dev-only policy allows the inline refresh preamble and the dev server, and replaces the meta tag', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173')
    expect(dev).toContain("script-src 'self' 'unsafe-inline'")
    expect(dev).toContain("connect-src 'self' ws://localhost:5173")
    const html = withDevCsp(readFileSync('src/renderer/index.html', 'utf8'), 'http://localhost:5173')
    expect(html).toContain("script-src 'self' 'unsafe-inline'")
    expect(html).not.toContain(META_CSP)
    expect(html).not.toContain('frame-ancestors')
    expect(() => withDevCsp('<html></html>', 'http://localhost:5173')).toThrow(/no Content-Security-Policy meta tag/)
  })
})
