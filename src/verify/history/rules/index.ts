/** Every trust rule, in evaluation order (previous-evidence-invalid last: it reports what the others met). */
import { FINDINGS } from '../../reasons/catalogue';
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

/** Default severity of every finding code (the policy may change it), from the catalogue. */
export const DEFAULT_SEVERITY: Readonly<Record<TrustFindingCode, FindingSeverity>> = Object.fromEntries(
  Object.entries(FINDINGS).map(([code, entry]) => [code, entry.severity]),
) as Record<TrustFindingCode, FindingSeverity>;

/** Every finding code, in rule order. */
export const FINDING_CODES: readonly TrustFindingCode[] = TRUST_RULES.flatMap((r) => r.codes);
