/** self-hosted-runner: the signed provenance says the build ran on a runner the CI provider does not host. */
import type { RuleResult, TrustRule } from './rule';

export const selfHostedRunner: TrustRule = {
  id: 'self-hosted-runner',
  codes: ['self-hosted-runner'],
  description: 'The build ran on a self-hosted runner (or a self-managed GitLab), whose machine the CI provider does not vouch for.',
  needsHistory: false,
  evaluate(ctx): RuleResult[] {
    const facts = ctx.verdict.status === 'verified' ? ctx.verdict.facts : undefined;
    if (!facts || (facts.builderKind !== 'self-hosted' && facts.builderKind !== 'gitlab-self-managed')) return [];
    const what = facts.builderKind === 'self-hosted' ? 'a self-hosted GitHub Actions runner' : 'a self-managed GitLab runner';
    return [
      {
        code: 'self-hosted-runner',
        message: `${ctx.name}@${ctx.version} was built on ${what}: the provenance names the workflow and commit, but the machine that ran it is the publisher's own.`,
      },
    ];
  },
};
