/**
 * Trust history: how each version of a package was published (the registry's unsigned claims), judged
 * per release line, and the findings that come out of it. Shared by the CLI, reports and the editor.
 *
 * Never imports `vscode`.
 */
import type { TrustFindingCode } from '../reasons/catalogue';

/**
 * Trust evidence, strongest first. `staged` (npm staged publishing: a maintainer approved the version with
 * 2FA; `_npmUser.approver`) ranks with `trusted-publisher` (OIDC trusted publishing backed by provenance).
 * `provenance`: a verified SLSA provenance. `registry-signature`: only the registry's own signature.
 */
export type TrustLevel = 'staged' | 'trusted-publisher' | 'provenance' | 'registry-signature' | 'none';

/** Comparison rank of a level: staged and trusted publishing are equally strong. */
export const TRUST_RANK: Record<TrustLevel, number> = {
  staged: 3,
  'trusted-publisher': 3,
  provenance: 2,
  'registry-signature': 1,
  none: 0,
};

/** Finding codes are defined once, with their default severities and meanings, in ../reasons/catalogue.ts. */
export type { TrustFindingCode } from '../reasons/catalogue';

/** `off` findings are kept (with why) but not reported as problems. */
export type FindingSeverity = 'error' | 'warning' | 'information' | 'off';

/** What the packument claims about one version (unsigned: a claim until its version is verified). */
export interface VersionEvidence {
  version: string;
  /** The strongest evidence the packument claims. */
  claimed: TrustLevel;
  /** `dist.attestations.provenance` present. */
  provenance: boolean;
  /** `_npmUser.trustedPublisher` present. */
  trustedPublisher: boolean;
  /** `_npmUser.approver` present (staged publishing). */
  staged: boolean;
  /** `dist.signatures` present. */
  signatures: boolean;
  /** `_npmUser.name`. */
  publisher?: string;
  /** `time[version]`. */
  publishTime?: string;
  /** The declared `repository` of the version's package.json, as the packument serves it. */
  declaredRepository?: string;
}

/** The earlier version a finding compares with, and whether its evidence was itself verified. */
export interface PreviousEvidence {
  version: string;
  level: TrustLevel;
  publisher?: string;
  publishTime?: string;
  /**
   * `verified`: its provenance was verified cryptographically; `unavailable`: it could not be checked
   * (`reason` says why) — the finding stands, saying so; `invalid`: it failed verification.
   */
  verification: 'verified' | 'unavailable' | 'invalid';
  reason?: string;
  sourceRepository?: string;
  workflowPath?: string;
  ref?: string;
}

export interface TrustFinding {
  code: TrustFindingCode;
  severity: FindingSeverity;
  /** Plain-language sentence; quotes registry strings (escape before rendering as markup). */
  message: string;
  previous?: PreviousEvidence;
  /** Why the severity is what it is when the policy changed it (an exclusion's reason, the downgrade age). */
  severityNote?: string;
}

/** A release line: same major; for 0.x the same minor; pre-releases by channel (never mixed with stable). */
export interface ReleaseLine {
  /** Stable key, e.g. `3`, `0.4`, `4-alpha`. */
  key: string;
  /** For people, e.g. `3.x`, `0.4.x`, `4.x alpha pre-releases`. */
  label: string;
  prerelease: boolean;
}

/** One version of the line, for the hover timeline (newest first). */
export interface TimelineEntry {
  version: string;
  claimed: TrustLevel;
  publisher?: string;
  publishTime?: string;
}

export interface TrustAssessment {
  /** Of this version: from its verdict (verified provenance, registry signature) plus the registry's publisher flags. */
  level: TrustLevel | 'unknown';
  /** `_npmUser.name` of this version, as the registry reports it. */
  publisher?: string;
  /** The release line's label, e.g. `3.x`. */
  line: string;
  findings: TrustFinding[];
  /** Whether the history (full packument) was read; false when it was not asked for or not available. */
  history: boolean;
  /** The line's versions up to this one, newest first (at most 50), when the history was read. */
  timeline?: TimelineEntry[];
  /** Information that is not a finding: "this line never had provenance", "history unavailable: …". */
  notes: string[];
}
