/** source-not-allowed: the verified source repository is not among those the policy allows for the package. */
import { packageMatches } from '../../policy/types';
import { repositoryMatches } from '../repository';
import type { RuleResult, TrustRule } from './rule';

export const sourceNotAllowed: TrustRule = {
  id: 'source-not-allowed',
  codes: ['source-not-allowed'],
  description: 'The policy lists the source repositories allowed for a package, and the verified one is not among them.',
  needsHistory: false,
  evaluate(ctx): RuleResult[] {
    const facts = ctx.verdict.status === 'verified' ? ctx.verdict.facts : undefined;
    if (!facts) return [];
    const out: RuleResult[] = [];
    for (const entry of ctx.policy.allowedSources) {
      if (!packageMatches(entry.packages, ctx.name)) continue;
      if (entry.repositories.some((r) => repositoryMatches(r, facts.sourceRepository))) continue;
      out.push({
        code: 'source-not-allowed',
        message: `${ctx.name}@${ctx.version} was built from ${facts.sourceRepository}, which the policy does not allow for ${entry.packages} (allowed: ${entry.repositories.join(', ')}).`,
      });
    }
    return out;
  },
};
