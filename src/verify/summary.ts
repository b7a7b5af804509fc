/**
 * Counting verdicts by status: the one counter behind the CLI's summary, the reports' summary and the
 * editor's status bar. Never imports `vscode`.
 */
import { VERDICT_STATUSES } from './reasons/catalogue';
import type { ScanSummary, Verdict } from './types';

/** How many items there are, and how many of each key (every key present, in the order given). */
export type Tally<K extends string> = { total: number } & Record<K, number>;

/** Counts `items` by key; every item counts in `total`, one whose key is not listed only there. */
export function tally<K extends string>(keys: readonly K[], items: Iterable<K>): Tally<K> {
  const counts: Record<string, number> = { total: 0 };
  for (const key of keys) counts[key] = 0;
  const known = new Set<string>(keys);
  for (const item of items) {
    counts.total++;
    if (known.has(item)) counts[item]++;
  }
  return counts as Tally<K>;
}

/** The summary of a run: the verdicts counted by status, and how long it took. */
export function summarise(verdicts: readonly Verdict[], elapsedMs: number): ScanSummary {
  return {
    ...tally(
      VERDICT_STATUSES,
      verdicts.map((v) => v.status),
    ),
    elapsedMs,
  };
}
