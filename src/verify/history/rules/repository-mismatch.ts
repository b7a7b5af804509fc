/** repository-mismatch: the package's declared repository (package.json) is not the signed source repository. */
import { repositoryKey } from '../repository';
import type { RuleResult, TrustRule } from './rule';

export const repositoryMismatch: TrustRule = {
  id: 'repository-mismatch',
  codes: ['repository-mismatch'],
  description: 'The repository a package declares in its package.json is not the source repository its signed provenance names.',
  needsHistory: true,
  evaluate(ctx): RuleResult[] {
    const facts = ctx.verdict.status === 'verified' ? ctx.verdict.facts : undefined;
    const declared = ctx.self?.declaredRepository;
    if (!facts || !declared) return [];
    const a = repositoryKey(declared);
    const b = repositoryKey(facts.sourceRepository);
    if (!a || !b || a === b) return [];
    return [
      {
        code: 'repository-mismatch',
        message: `${ctx.name}@${ctx.version} declares the repository ${declared}, but its signed provenance says it was built from ${facts.sourceRepository}.`,
      },
    ];
  },
};
