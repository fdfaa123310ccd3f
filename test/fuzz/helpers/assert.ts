/**
 * A cheap assertion for the hot loops of properties: vitest's `expect` costs microseconds per call,
 * which dominates a property checked 200,000 times. The message names what broke; fast-check adds
 * the counterexample and the seed.
 */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message())
}

/** SameValue equality with a readable failure (NaN equals NaN, 0 and -0 differ). */
export function same(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${show(actual)}, expected ${show(expected)}`)
}

export function show(x: unknown): string {
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x)
  if (typeof x === 'string') return JSON.stringify(x.length > 80 ? x.slice(0, 80) + '…' : x)
  try {
    const s = JSON.stringify(x)
    return s === undefined ? String(x) : s.length > 200 ? s.slice(0, 200) + '…' : s
  } catch {
    return String(x)
  }
}

/**
 * Deep SameValue equality of plain data (objects, arrays, typed arrays, primitives), much faster
 * than `toEqual` on large arrays. Own enumerable string keys only; undefined members count as absent.
 * With `zeroSigned` false, 0 and -0 count as equal.
 */
export function deepSame(a: unknown, b: unknown, zeroSigned = true): boolean {
  if (Object.is(a, b) || (!zeroSigned && a === 0 && b === 0)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false
    const x = a as unknown as ArrayLike<unknown>
    const y = b as unknown as ArrayLike<unknown>
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false
    return true
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const y = b as unknown[]
    if (a.length !== y.length) return false
    for (let i = 0; i < a.length; i++) if (!deepSame(a[i], y[i], zeroSigned)) return false
    return true
  }
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const kx = Object.keys(x).filter((k) => x[k] !== undefined)
  const ky = Object.keys(y).filter((k) => y[k] !== undefined)
  if (kx.length !== ky.length) return false
  for (const k of kx) if (!Object.prototype.hasOwnProperty.call(y, k) || !deepSame(x[k], y[k], zeroSigned)) return false
  return true
}
