/**
 * The Content-Security-Policy of every Threadlab page, in one place. The renderer's index.html
 * carries the same policy in a meta tag (with `ws:` to any loopback port for the web host); the
 * hosts add the header, which can only narrow it (both policies apply).
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * The policy for the renderer's meta tag: the union of what both hosts need. `frame-ancestors`
 * is dropped because browsers ignore it in a meta tag (and log an error); the headers carry it.
 */
export const META_CSP = contentSecurityPolicy(['ws://127.0.0.1:*', 'ws://localhost:*'])
  .split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ')
