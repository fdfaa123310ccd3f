/**
 * The Content-Security-Policy of every Threadlab page, in one place. The renderer's index.html
 * carries META_CSP in a meta tag (what both hosts need); each host adds its own narrower policy as
 * a response header, and the browser enforces both, so the header is the policy that counts:
 * - Electron (`app://`): connect-src 'none' — the page talks to main over a MessagePort, which no
 *   CSP directive governs, and fetches nothing;
 * - the web host: 'self' (its /health check) and its own WebSocket address;
 * - `npm run dev` only: the dev server's policy (DEV_CSP), which the meta tag is swapped for.
 */
export function contentSecurityPolicy(connectSrc: readonly string[]): string {
  return directives({ connectSrc, scripts: "'self'", styles: "'self'" }).join('; ')
}

function directives(o: { connectSrc: readonly string[]; scripts: string; styles: string }): string[] {
  return [
    "default-src 'none'",
    `script-src ${o.scripts}`,
    `style-src ${o.styles}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${o.connectSrc.length ? o.connectSrc.join(' ') : "'none'"}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ]
}

/** `frame-ancestors` is ignored in a meta tag (browsers log an error), so meta policies drop it. */
const forMeta = (policy: string) =>
  policy
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ')

/** The policy for the renderer's meta tag: the union of what the built app needs under both hosts. */
export const META_CSP = forMeta(contentSecurityPolicy(["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*']))

/** The header Electron sends with every page of `app://`. */
export const ELECTRON_CSP = contentSecurityPolicy([])

/**
 * `npm run dev` only: the dev server injects the React refresh preamble as an inline script and
 * styles as <style> elements, and pushes updates over its own WebSocket. Never used in a build.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws')
  return directives({
    connectSrc: ["'self'", ws],
    scripts: "'self' 'unsafe-inline'",
    styles: "'self' 'unsafe-inline'",
  }).join('; ')
}

const META_TAG = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/

/** index.html with its meta policy replaced by the dev server's (the dev-only Vite plugin). */
export function withDevCsp(html: string, devOrigin: string): string {
  if (!META_TAG.test(html)) throw new Error('index.html has no Content-Security-Policy meta tag to replace')
  return html.replace(META_TAG, (_all, open: string, _policy: string, close: string) => {
    return `${open}${forMeta(devContentSecurityPolicy(devOrigin))}${close}`
  })
}
