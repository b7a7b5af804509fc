/**
 * Trust history as the editor shows it: the hover's lines under the verdict (the release line's record:
 * since which version it has had trusted publishing / provenance; this version's evidence and publisher;
 * the findings) and the badge that marks a downgrade apart from "no provenance". No `vscode` import.
 *
 * The per-version flags (trusted publisher, staged, provenance) are the registry's unsigned record: the
 * hover says so, and never words them as verified. Registry strings (publishers, versions, messages) are
 * escaped.
 */
import type { Verdict } from '../../verify/types';
import {
  TRUST_RANK,
  type FindingSeverity,
  type PreviousEvidence,
  type TimelineEntry,
  type TrustAssessment,
  type TrustFinding,
  type TrustLevel,
} from '../../verify/history/types';
import { releaseLineOf } from '../../verify/history/lines';
import { escapeMarkdown, link } from '../../verify/format/markdown';
import { cleanText } from '../../verify/format/text';
import { downgradeOf, type DependencyTrust, type TrustPolicyStatus } from '../state/documentState';
import type { Badge, BadgeStyle } from './badge';
import { README_URL, findingDocsUrl } from '../../verify/reasons/catalogue';

/** The README's trust-history section (finding codes), from the engine's catalogue. */
export const TRUST_DOCS_URL = findingDocsUrl(undefined);
/** The README's policy-file section. */
export const POLICY_DOCS_URL = `${README_URL}#policy-file`;

/** How many versions of the line an assessment's timeline keeps at most (src/verify/history/service.ts). */
const TIMELINE_LENGTH = 50;

/** Glyph of a badge that marks a downgrade. */
export const DOWNGRADE_GLYPH = '⚠';

/** The newest run of earlier versions (newest first) with at least `rank`: its first and last version, and whether it reaches this version. */
export interface EvidenceSpan {
  first: string;
  last: string;
  /** The version just before this one is in the run. */
  ongoing: boolean;
  /** The run reaches the oldest version of a shortened timeline: it may start earlier. */
  orEarlier?: boolean;
}

export function evidenceSpan(earlier: readonly TimelineEntry[], rank: number, truncated = false): EvidenceSpan | undefined {
  const start = earlier.findIndex((e) => TRUST_RANK[e.claimed] >= rank);
  if (start < 0) return undefined;
  let end = start;
  while (end + 1 < earlier.length && TRUST_RANK[earlier[end + 1]!.claimed] >= rank) end++;
  return {
    first: earlier[end]!.version,
    last: earlier[start]!.version,
    ongoing: start === 0,
    ...(truncated && end === earlier.length - 1 ? { orEarlier: true } : {}),
  };
}

function spanText(label: string, span: EvidenceSpan): string {
  const first = `${escapeMarkdown(span.first, 60)}${span.orEarlier ? ' or earlier' : ''}`;
  if (span.ongoing) return `${label} since ${first}`;
  const range = span.first === span.last ? first : `${first}–${escapeMarkdown(span.last, 60)}`;
  return `${label} in ${range}, not in the versions after it`;
}

/** "trusted publishing since 3.19.0; provenance since 3.11.1" for the versions of the line before this one. */
export function lineSummary(assessment: TrustAssessment, version: string): string | undefined {
  if (!assessment.history || !assessment.timeline) return undefined;
  const earlier = assessment.timeline.filter((e) => e.version !== version);
  if (earlier.length === 0) return `no earlier ${escapeMarkdown(assessment.line, 80)} version`;
  // The service keeps the newest 50 versions of the line (this one included).
  const truncated = assessment.timeline.length >= TIMELINE_LENGTH;
  const publisher = evidenceSpan(earlier, TRUST_RANK['trusted-publisher'], truncated);
  const provenance = evidenceSpan(earlier, TRUST_RANK.provenance, truncated);
  const parts: string[] = [];
  if (publisher) parts.push(spanText('trusted publishing', publisher));
  if (provenance && !(publisher && provenance.first === publisher.first && provenance.last === publisher.last))
    parts.push(spanText('provenance', provenance));
  if (parts.length === 0) parts.push('no earlier version had provenance');
  const count = truncated
    ? `the ${earlier.length} newest earlier versions`
    : `${earlier.length} earlier version${earlier.length === 1 ? '' : 's'}`;
  return `${parts.join('; ')} (${count})`;
}

const LEVEL_TEXT: Record<TrustLevel, string> = {
  staged: 'a staged publish (the registry records a maintainer’s approval)',
  'trusted-publisher': 'verified provenance; trusted publishing (as the registry records it)',
  provenance: 'verified provenance, not through trusted publishing',
  'registry-signature': 'no provenance; a registry signature only',
  none: 'no provenance and no registry signature',
};

const SEVERITY_ICON: Record<FindingSeverity, string> = { error: '⚠', warning: '⚠', information: 'ℹ', off: '·' };

function findingLine(f: TrustFinding): string {
  const code = link(f.code, TRUST_DOCS_URL);
  const note = f.severityNote ? ` _(${escapeMarkdown(f.severityNote, 300)})_` : '';
  if (f.severity === 'off')
    return `- ${SEVERITY_ICON.off} ${code} not reported${note || ' _(off in the policy)_'}: ${escapeMarkdown(f.message, 300)}`;
  return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** ${code}: ${escapeMarkdown(f.message, 700)}${note}`;
}

function policyLines(policy: TrustPolicyStatus | undefined): string[] {
  if (!policy) return [];
  if (policy.notApplied) return [`_${escapeMarkdown(policy.notApplied, 400)}_`];
  if (policy.errors.length) {
    const where = policy.path ? ` ${escapeMarkdown(policy.path, 200)}` : '';
    return [
      `_The trust policy${where} is not applied: ${escapeMarkdown(policy.errors.slice(0, 3).join('; '), 500)}_ (${link('policy file', POLICY_DOCS_URL)})`,
    ];
  }
  return [];
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The hover's trust-history lines for a verdict (empty when trust history was not asked for it). */
export function trustHoverLines(verdict: Verdict, trust: DependencyTrust | undefined, policy?: TrustPolicyStatus): string[] {
  if (!trust || (verdict.status !== 'verified' && verdict.status !== 'no-provenance')) return [];
  const line = releaseLineOf(verdict.version).label;
  const out: string[] = ['', `**Trust history · ${escapeMarkdown(line, 80)}**`];
  if (trust.state === 'pending') {
    out.push('', `_Reading the release line’s history…_`);
    return out;
  }
  const a = trust.assessment;
  if (!a) {
    out.push('', `_${escapeMarkdown(capitalised(trust.note ?? 'trust history unavailable'), 500)}_`);
    return out;
  }
  const items: string[] = [];
  const summary = lineSummary(a, verdict.version);
  if (summary) items.push(`- **Line** (the registry’s record): ${summary}`);
  if (a.level !== 'unknown') {
    const by = a.publisher ? `, published by ${escapeMarkdown(a.publisher, 120)}` : '';
    items.push(`- **This version:** ${LEVEL_TEXT[a.level]}${by}`);
  }
  for (const f of a.findings) items.push(findingLine(f));
  if (items.length) out.push('', ...items);
  // The line's record above already says when no earlier version had provenance; the service's note saying
  // so ("…not a downgrade") would read oddly under a version that has verified provenance itself.
  const notes = a.notes.filter((n) => !(summary && /^No earlier .+ had provenance/.test(n))).map((n) => escapeMarkdown(n, 400));
  if (!a.history) out.push('', `_Trust history unavailable: ${notes.join(' ') || 'the release line’s history was not read.'}_`);
  else if (notes.length) out.push('', ...notes.map((n) => `_${n}_`));
  out.push(...policyLines(policy).flatMap((l) => ['', l]));
  return out;
}

/**
 * The badge for a verdict whose trust history the policy reports as an error or a warning, in the
 * downgrade's own colour: the version lost evidence its release line had (`⚠ trusted publishing lost
 * since 3.19.2`), or its signed provenance names another source repository than the line's previous
 * verified version (`⚠ source repository changed since 1.0.0`: a green ✓ would hide the error the
 * Problems panel shows). Undefined otherwise (the verdict's own badge applies).
 */
export function trustBadge(
  verdict: Verdict | undefined,
  trust: DependencyTrust | undefined,
  style: BadgeStyle,
  spec?: string,
): Badge | undefined {
  if (style === 'off' || !verdict || trust?.id !== `${verdict.name}@${verdict.version}`) return undefined;
  const reported = (f: TrustFinding | undefined): f is TrustFinding & { previous: PreviousEvidence } =>
    Boolean(f?.previous) && (f!.severity === 'error' || f!.severity === 'warning');
  const downgrade = downgradeOf(trust.assessment);
  const moved = trust.assessment?.findings.find((f) => f.code === 'source-repository-changed');
  const finding = reported(downgrade) ? downgrade : reported(moved) ? moved : undefined;
  if (!finding) return undefined;
  if (style === 'compact') return { status: verdict.status, text: DOWNGRADE_GLYPH, mark: 'downgrade' };
  const what =
    finding.code === 'trusted-publisher-lost'
      ? 'trusted publishing lost'
      : finding.code === 'source-repository-changed'
        ? 'source repository changed'
        : 'provenance lost';
  const versionNote =
    verdict.version && spec !== undefined && spec.trim() !== verdict.version ? ` (${cleanText(verdict.version, 40)})` : '';
  return {
    status: verdict.status,
    text: `${DOWNGRADE_GLYPH} ${what} since ${cleanText(finding.previous.version, 40)}${versionNote}`,
    mark: 'downgrade',
  };
}
