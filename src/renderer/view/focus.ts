/** The threads a moment highlights, as the canvases' redraw keys see them. */
const ids = new WeakMap<ReadonlySet<number>, number>()
let last = 0

/** A number naming a highlighted set (sets are replaced, never mutated): 0 for none. */
export function focusKey(focus: ReadonlySet<number> | null): number {
  if (!focus) return 0
  const id = ids.get(focus) ?? ++last
  ids.set(focus, id)
  return id
}
