import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { META_CSP, contentSecurityPolicy } from '../../src/shared/csp'

describe('Content-Security-Policy', () => {
  it("the renderer's meta tag carries exactly the policy defined in src/shared/csp.ts", () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)
    expect(meta?.[1]).toBe(META_CSP)
  })

  it('allows no inline script or style, no plugins, no foreign connections', () => {
    for (const policy of [META_CSP, contentSecurityPolicy()]) {
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|(^|\s)\*(\s|;|$)|https?:/)
      expect(policy).toContain("object-src 'none'")
      expect(policy).toContain("default-src 'none'")
    }
    expect(contentSecurityPolicy()).toContain("frame-ancestors 'none'")
    expect(META_CSP).not.toContain('frame-ancestors') // ignored (with an error) in a meta tag
  })
})
