/** workflow-changed: same repository, another workflow file than the previous verified version of the line. */
import { repositoryKey, workflowFile } from '../repository';
import { compareWithPreviousVerified, describePrevious, type RuleResult, type TrustRule } from './rule';

export const workflowChanged: TrustRule = {
  id: 'workflow-changed',
  codes: ['workflow-changed'],
  description:
    "A version's signed provenance names another build workflow than the previous verified version of its release line (same repository).",
  needsHistory: true,
  async evaluate(ctx): Promise<RuleResult[]> {
    const compared = await compareWithPreviousVerified(ctx);
    if (!compared) return [];
    const { now: facts, before, previous: prev } = compared;
    if (
      (repositoryKey(before.sourceRepository) ?? before.sourceRepository) !==
      (repositoryKey(facts.sourceRepository) ?? facts.sourceRepository)
    )
      return [];
    const a = workflowFile(before.workflowPath);
    const b = workflowFile(facts.workflowPath);
    if (!a || !b || a === b) return [];
    return [
      {
        code: 'workflow-changed',
        message: `${ctx.name}@${ctx.version} was built by the workflow ${b}, but ${prev.entry.version}, the previous verified ${ctx.line.label} version, by ${a}.`,
        previous: describePrevious(prev.entry, prev.verdict),
      },
    ];
  },
};
