/** The shape of a trust rule (one per file in this folder) and what every rule is given. */
import type { ProvenanceFacts, Verdict } from '../../types';
import type { Policy } from '../../policy/types';
import type { PackageHistory } from '../evidence';
import type { PreviousEvidence, ReleaseLine, TrustFindingCode, TrustLevel, VersionEvidence } from '../types';

export interface RuleContext {
  name: string;
  version: string;
  /** This version's verdict (verified cryptographically as always). */
  verdict: Verdict;
  /** This version's level ('unknown' when it could not be judged: invalid, unavailable, not applicable). */
  level: TrustLevel | 'unknown';
  /** The registry's claims for this version, when the history was read. */
  self?: VersionEvidence;
  /** The package's history, when it was read (full packument). */
  history?: PackageHistory;
  line: ReleaseLine;
  /** Earlier versions of the same line, newest first (empty without history). */
  earlier: VersionEvidence[];
  policy: Policy;
  /** Verify an earlier version (memoized across rules and packages). */
  verifyEarlier(version: string): Promise<Verdict>;
  /**
   * The newest earlier version of the line whose provenance verifies (trying at most three that claim it),
   * or undefined. Earlier evidence that fails verification is recorded with `recordInvalid`.
   */
  previousVerified(): Promise<{ entry: VersionEvidence; verdict: Verdict } | undefined>;
  /** Earlier evidence that failed verification (reported by the previous-evidence-invalid rule). */
  recordInvalid(previous: PreviousEvidence): void;
  invalidPrevious(): PreviousEvidence[];
}

export interface RuleResult {
  code: TrustFindingCode;
  message: string;
  previous?: PreviousEvidence;
}

export interface TrustRule {
  id: string;
  /** The codes it reports (their default severities and meanings: src/verify/reasons/catalogue.ts). */
  codes: readonly TrustFindingCode[];
  /** One sentence for documentation and the editor's rule list. */
  description: string;
  /** Whether the rule needs the package's history (the full packument). */
  needsHistory: boolean;
  evaluate(ctx: RuleContext): RuleResult[] | Promise<RuleResult[]>;
}

const LEVEL_WORDS: Record<TrustLevel, string> = {
  staged: 'a staged publish (approved by a maintainer)',
  'trusted-publisher': 'trusted publishing',
  provenance: 'provenance',
  'registry-signature': 'a registry signature only',
  none: 'no evidence',
};

export function levelWords(level: TrustLevel): string {
  return LEVEL_WORDS[level];
}

/** Describe an earlier version's evidence and how its verification went. */
export function describePrevious(entry: VersionEvidence, verdict: Verdict): PreviousEvidence {
  const out: PreviousEvidence = {
    version: entry.version,
    level: entry.claimed,
    verification: verdict.status === 'verified' ? 'verified' : verdict.status === 'invalid' ? 'invalid' : 'unavailable',
  };
  if (entry.publisher) out.publisher = entry.publisher;
  if (entry.publishTime) out.publishTime = entry.publishTime;
  if (verdict.status === 'verified' && verdict.facts) {
    out.sourceRepository = verdict.facts.sourceRepository;
    out.workflowPath = verdict.facts.workflowPath;
    if (verdict.facts.ref) out.ref = verdict.facts.ref;
  } else if (verdict.status === 'no-provenance') {
    out.reason = `the registry's version document of ${entry.version} advertises no attestations, although its packument lists them`;
  } else if (verdict.reason) {
    out.reason = `${verdict.reason.code}: ${verdict.reason.message}`;
  }
  return out;
}

/** What a rule comparing builds compares: this version's signed facts and the previous verified version's. */
export interface VerifiedComparison {
  now: ProvenanceFacts;
  before: ProvenanceFacts;
  /** The previous verified version of the line (for `describePrevious`). */
  previous: { entry: VersionEvidence; verdict: Verdict };
}

/** This version's facts and the previous verified version's, or undefined unless both verified. */
export async function compareWithPreviousVerified(ctx: RuleContext): Promise<VerifiedComparison | undefined> {
  const now = ctx.verdict.status === 'verified' ? ctx.verdict.facts : undefined;
  if (!now) return undefined;
  const previous = await ctx.previousVerified();
  const before = previous?.verdict.facts;
  if (!previous || !before) return undefined;
  return { now, before, previous };
}

/** "Its provenance verified." / "Its evidence could not be checked (…)". */
export function verificationSentence(p: PreviousEvidence): string {
  if (p.verification === 'verified') return `The provenance of ${p.version} verified.`;
  return `The evidence of ${p.version} could not be checked (${p.reason ?? 'no reason given'}), so this comparison rests on the registry's unsigned record of it.`;
}
