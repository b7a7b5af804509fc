/** evidence-required: the policy requires verified evidence (and possibly a source) for matching packages. */
import { packageMatches } from '../../policy/types';
import { repositoryMatches } from '../repository';
import { TRUST_RANK } from '../types';
import type { RuleResult, TrustRule } from './rule';

export const evidenceRequired: TrustRule = {
  id: 'evidence-required',
  codes: ['evidence-required'],
  description:
    'The policy requires verified provenance (or trusted publishing), possibly from given repositories, for packages matching a pattern.',
  needsHistory: false,
  evaluate(ctx): RuleResult[] {
    const v = ctx.verdict;
    if (v.status === 'not-applicable') return [];
    const out: RuleResult[] = [];
    for (const req of ctx.policy.requirements) {
      const pattern = req.packages.find((p) => packageMatches(p, ctx.name));
      if (!pattern) continue;
      const id = `${ctx.name}@${ctx.version}`;
      if (v.status !== 'verified' || !v.facts) {
        const why =
          v.status === 'no-provenance'
            ? 'it has no provenance'
            : v.status === 'invalid'
              ? `its provenance is invalid (${v.reason?.code})`
              : `it could not be verified (${v.reason?.code})`;
        out.push({ code: 'evidence-required', message: `The policy requires verified provenance for ${pattern}, but ${why}: ${id}.` });
        continue;
      }
      if (req.evidence === 'trusted-publisher' && (ctx.level === 'unknown' || TRUST_RANK[ctx.level] < 3)) {
        out.push({
          code: 'evidence-required',
          message: `The policy requires trusted publishing for ${pattern}, but ${id} was not published through it (${ctx.self ? 'per the registry' : 'the registry record was not available'}).`,
        });
        continue;
      }
      if (req.sourceRepositories?.length && !req.sourceRepositories.some((r) => repositoryMatches(r, v.facts!.sourceRepository))) {
        out.push({
          code: 'evidence-required',
          message: `The policy requires ${pattern} to be built from ${req.sourceRepositories.join(' or ')}, but ${id} was built from ${v.facts.sourceRepository}.`,
        });
      }
    }
    return out;
  },
};
