// Offsets to line numbers, for text whose line starts are known.

/** The 0-based index of the line holding `offset`, `starts` being each line's first offset, ascending. */
export function lineIndexAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
