/**
 * previous-evidence-invalid: the earlier evidence a comparison needed failed verification — the registry
 * claims an earlier version had provenance, but that provenance does not verify. Runs after the rules that
 * compare (they record what they met).
 */
import type { RuleResult, TrustRule } from './rule';

export const previousEvidenceInvalid: TrustRule = {
  id: 'previous-evidence-invalid',
  codes: ['previous-evidence-invalid'],
  description: 'An earlier version of the release line, whose evidence a comparison needed, failed verification.',
  needsHistory: true,
  evaluate(ctx): RuleResult[] {
    return ctx.invalidPrevious().map((previous) => ({
      code: 'previous-evidence-invalid' as const,
      message: `${ctx.name}@${previous.version}, an earlier ${ctx.line.label} version whose evidence this version was compared with, fails verification (${previous.reason ?? 'invalid'}): the registry's record of how it was built cannot be trusted.`,
      previous,
    }));
  },
};
