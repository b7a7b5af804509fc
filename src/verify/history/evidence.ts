/** Reading the registry's (unsigned) trust claims per version out of a full packument. Registry strings are untrusted. */
import * as semver from '../util/semver';
import type { TrustLevel, VersionEvidence } from './types';
import { isRecord } from '../util/guards';

const MAX_TEXT = 300;
const short = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

/** `_npmUser.approver` as the registry writes it for a staged publish: a non-empty object or string (empty/null do not count). */
function hasApprover(user: Record<string, unknown>): boolean {
  const a = user.approver;
  if (typeof a === 'string') return a.trim() !== '';
  if (isRecord(a)) return Object.values(a).some((v) => (typeof v === 'string' ? v.trim() !== '' : v !== null && v !== undefined));
  return false;
}

function hasTrustedPublisher(user: Record<string, unknown>): boolean {
  const t = user.trustedPublisher;
  return isRecord(t) ? Object.keys(t).length > 0 : t === true || (typeof t === 'string' && t.trim() !== '');
}

/** The strongest level a set of claims amounts to. A trusted-publisher flag counts only when backed by provenance. */
export function claimedLevel(e: Pick<VersionEvidence, 'staged' | 'trustedPublisher' | 'provenance' | 'signatures'>): TrustLevel {
  if (e.staged) return 'staged';
  if (e.trustedPublisher && e.provenance) return 'trusted-publisher';
  if (e.provenance) return 'provenance';
  if (e.signatures) return 'registry-signature';
  return 'none';
}

/** The declared repository of a version document (`repository` string or `{url}`), when there is one. */
function declaredRepository(doc: Record<string, unknown>): string | undefined {
  const r = doc.repository;
  if (typeof r === 'string' && r.trim()) return short(r.trim());
  if (isRecord(r) && typeof r.url === 'string' && r.url.trim()) return short(r.url.trim());
  return undefined;
}

/** The claims of one version document of a full packument. */
export function evidenceOf(version: string, doc: unknown, publishTime?: string): VersionEvidence {
  const d = isRecord(doc) ? doc : {};
  const dist = isRecord(d.dist) ? d.dist : {};
  const user = isRecord(d._npmUser) ? d._npmUser : {};
  const attestations = isRecord(dist.attestations) ? dist.attestations : undefined;
  const e = {
    version,
    provenance: Boolean(attestations && isRecord(attestations.provenance)),
    trustedPublisher: hasTrustedPublisher(user),
    staged: hasApprover(user),
    signatures: Array.isArray(dist.signatures) && dist.signatures.length > 0,
  };
  const out: VersionEvidence = { ...e, claimed: claimedLevel(e) };
  if (typeof user.name === 'string' && user.name.trim()) out.publisher = short(user.name.trim());
  if (publishTime) out.publishTime = publishTime;
  const repo = declaredRepository(d);
  if (repo) out.declaredRepository = repo;
  return out;
}

export interface PackageHistory {
  name: string;
  /** Every valid semver version, highest first. */
  versions: VersionEvidence[];
  byVersion: Map<string, VersionEvidence>;
  /** True when no version carries registry signatures or attestations: a mirror that strips them, or a registry without provenance. */
  strippedOrUnsigned: boolean;
}

/** The claims of every version of a full packument. Throws a TypeError for something that is not a packument. */
export function packageHistory(name: string, packument: unknown): PackageHistory {
  if (!isRecord(packument) || !isRecord(packument.versions)) throw new TypeError(`the packument of ${name} has no versions`);
  const time = isRecord(packument.time) ? packument.time : {};
  const versions: VersionEvidence[] = [];
  for (const [v, doc] of Object.entries(packument.versions)) {
    if (!semver.valid(v)) continue;
    const t = time[v];
    versions.push(evidenceOf(v, doc, typeof t === 'string' && !Number.isNaN(Date.parse(t)) ? t : undefined));
  }
  versions.sort((a, b) => semver.rcompare(a.version, b.version));
  return {
    name,
    versions,
    byVersion: new Map(versions.map((v) => [v.version, v])),
    strippedOrUnsigned: versions.length > 0 && versions.every((v) => !v.signatures && !v.provenance),
  };
}
