/**
 * The web host's access token, when someone chooses it (THREADLAB_TOKEN, or a test's option): it
 * is the only thing between another local user's browser tab and the host, so it must be as hard
 * to guess as the random one the host makes itself (24 bytes): at least 128 bits. A chosen string's
 * entropy cannot be measured, so it is bounded by what its alphabet and length could carry: 6 bits
 * a character of base64url, 4 when every character is a hex digit.
 */
export const MIN_TOKEN_BITS = 128

const BASE64URL = /^[A-Za-z0-9_-]+$/
const HEX = /^[0-9a-fA-F]+$/

/** The most bits `token` can carry, or null when it uses characters outside base64url. */
export function tokenBits(token: string): number | null {
  if (!BASE64URL.test(token)) return null
  return token.length * (HEX.test(token) ? 4 : 6)
}

/** Why `token` (named `name` in the message) is refused, as one line, or null when it is strong enough. */
export function tokenProblem(token: string, name: string): string | null {
  const bits = tokenBits(token)
  const need = `at least ${MIN_TOKEN_BITS} bits: ${Math.ceil(MIN_TOKEN_BITS / 6)} base64url characters (A-Z a-z 0-9 - _) or ${MIN_TOKEN_BITS / 4} hex digits, e.g. \`openssl rand -hex 16\``
  if (bits === null) return `${name} may use only base64url characters (A-Z a-z 0-9 - _); it needs ${need}`
  if (bits < MIN_TOKEN_BITS)
    return `${name} is too weak: ${token.length} characters carry at most ${bits} bits; it needs ${need}`
  return null
}
