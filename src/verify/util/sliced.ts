/**
 * Stepwise work (a generator that yields between slices) run to its end, at once or in slices that let the
 * event loop turn. No dependencies: the editor's bundle uses it without the lockfile readers.
 */

/** Runs a stepwise parse (a generator that yields between slices of work) to its end, synchronously. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs a stepwise parse, letting the event loop turn (setImmediate) whenever `budgetMs` of work has passed, so a
 * large lockfile never blocks the caller's thread for long (the editor's extension host, the CLI's progress).
 */
export async function runSliced<T>(steps: Generator<void, T>, budgetMs = 8): Promise<T> {
  let start = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - start >= budgetMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}
