/** source-repository-changed: the signed source repository differs from the previous verified version of the line. */
import { repositoryKey } from '../repository';
import { compareWithPreviousVerified, describePrevious, type RuleResult, type TrustRule } from './rule';

export const sourceRepositoryChanged: TrustRule = {
  id: 'source-repository-changed',
  codes: ['source-repository-changed'],
  description: "A version's signed provenance names another source repository than the previous verified version of its release line.",
  needsHistory: true,
  async evaluate(ctx): Promise<RuleResult[]> {
    const compared = await compareWithPreviousVerified(ctx);
    if (!compared) return [];
    const prev = compared.previous;
    const before = compared.before.sourceRepository;
    const now = compared.now.sourceRepository;
    const a = repositoryKey(before) ?? before.toLowerCase();
    const b = repositoryKey(now) ?? now.toLowerCase();
    if (a === b) return [];
    return [
      {
        code: 'source-repository-changed',
        message: `${ctx.name}@${ctx.version} was built from ${now}, but ${prev.entry.version}, the previous verified ${ctx.line.label} version, was built from ${before} (both from signed provenance).`,
        previous: describePrevious(prev.entry, prev.verdict),
      },
    ];
  },
};
