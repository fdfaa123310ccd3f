/**
 * REGRESSION (src/shared/validate.ts, checkParallelSum → numberIn): a parallel-sum `unitMs` of -0 is
 * accepted and kept as -0, although the validator otherwise rebuilds requests without -0 (values are
 * normalised: `out[i] = v === 0 ? 0 : v`). The accepted request then changes across a JSON round
 * trip (JSON.stringify(-0) is "0"), so an accepted request does not re-validate to an equal value
 * after IPC/WebSocket transport. Harmless for the engine (-0 ≥ 0), but it breaks the "accepted
 * requests re-validate to equal values" property. Found by validate.fuzz.test.ts.
 *
 *   validateRunRequest({ experiment: 'parallel-sum', values: [0], unitMs: -0 }).value.unitMs  → -0
 *
 * Expected: +0.
 */
import { describe, expect, it } from 'vitest'
import { validateRunRequest } from '../../../src/shared/validate'

describe('regression: -0 unitMs', () => {
  it('normalises a parallel-sum unitMs of -0 to 0, as it does for values', () => {
    const r = validateRunRequest({ experiment: 'parallel-sum', values: [0], unitMs: -0 })
    expect(r.ok && r.value.experiment).toBe('parallel-sum')
    if (!r.ok || r.value.experiment !== 'parallel-sum') throw new Error('unreachable: asserted above')
    expect(Object.is(r.value.unitMs, 0)).toBe(true)
    expect(validateRunRequest(JSON.parse(JSON.stringify(r.value)))).toEqual(r)
  })
})
