/** ref-kind-changed: built from a branch where the previous verified version of the line was built from a tag, or the reverse. */
import { refKind } from '../repository';
import { compareWithPreviousVerified, describePrevious, type RuleResult, type TrustRule } from './rule';

export const refKindChanged: TrustRule = {
  id: 'ref-kind-changed',
  codes: ['ref-kind-changed'],
  description:
    'A version was built from a branch where the previous verified version of its release line was built from a tag, or the reverse.',
  needsHistory: true,
  async evaluate(ctx): Promise<RuleResult[]> {
    const compared = await compareWithPreviousVerified(ctx);
    if (!compared) return [];
    const { now: facts, before, previous: prev } = compared;
    const a = refKind(before.ref);
    const b = refKind(facts.ref);
    if (!a || !b || a === 'other' || b === 'other' || a === b) return [];
    return [
      {
        code: 'ref-kind-changed',
        message: `${ctx.name}@${ctx.version} was built from the ${b} ${facts.ref}, but ${prev.entry.version}, the previous verified ${ctx.line.label} version, from the ${a} ${before.ref}.`,
        previous: describePrevious(prev.entry, prev.verdict),
      },
    ];
  },
};
