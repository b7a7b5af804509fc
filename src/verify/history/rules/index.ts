/** Every trust rule, in evaluation order (previous-evidence-invalid last: it reports what the others met). */
import type { FindingSeverity, TrustFindingCode } from '../types';
import { evidenceRequired } from './evidence-required';
import { previousEvidenceInvalid } from './previous-evidence-invalid';
import { refKindChanged } from './ref-kind-changed';
import { repositoryMismatch } from './repository-mismatch';
import type { TrustRule } from './rule';
import { selfHostedRunner } from './self-hosted-runner';
import { sourceNotAllowed } from './source-not-allowed';
import { sourceRepositoryChanged } from './source-repository-changed';
import { trustDowngrade } from './trust-downgrade';
import { workflowChanged } from './workflow-changed';

export type { RuleContext, RuleResult, TrustRule } from './rule';

export const TRUST_RULES: readonly TrustRule[] = [
  trustDowngrade,
  sourceRepositoryChanged,
  workflowChanged,
  refKindChanged,
  selfHostedRunner,
  repositoryMismatch,
  evidenceRequired,
  sourceNotAllowed,
  previousEvidenceInvalid,
];

/** Default severity of every finding code. */
export const DEFAULT_SEVERITY: Record<TrustFindingCode, FindingSeverity> = Object.assign(
  {},
  ...TRUST_RULES.map((r) => r.severity),
) as Record<TrustFindingCode, FindingSeverity>;

/** Every finding code, in rule order. */
export const FINDING_CODES: readonly TrustFindingCode[] = TRUST_RULES.flatMap((r) => r.codes);
