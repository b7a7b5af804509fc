/** Trust assessment of CLI results (verify, scan, scan --diff), with bounded concurrency. */
import type { Verdict } from '../../verify/types';
import type { CliItem, RunContext } from '../context';

/** Attach `verdict.trust` to every item (a copy of the verdict; the engine's cached verdicts stay untouched). */
export async function assessAll(ctx: RunContext, items: CliItem[]): Promise<void> {
  const trust = ctx.trust;
  if (!trust) return;
  let next = 0;
  const width = Math.max(1, Math.min(ctx.options.concurrency ?? 8, items.length));
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      if (item.verdict.status === 'not-applicable') continue;
      const assessment = await trust.service.assess(item.verdict, { history: trust.history });
      item.verdict = { ...item.verdict, trust: assessment } satisfies Verdict;
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}
