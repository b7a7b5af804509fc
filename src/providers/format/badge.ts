/**
 * Badge text shown after a dependency's version string. No `vscode` import.
 * Badge texts start with a fixed glyph per status so they can be found by people and by tests:
 * ✓ verified, ✗ invalid, ○ no provenance, … pending, ? unavailable, · not applicable.
 */
import type { Verdict } from '../../verify/types';
import type { DisplayStatus } from '../state/documentState';
import { shortReason } from './reasons';
import { cleanText, shortCommit, shortRepository } from '../../verify/format/text';

export type BadgeStyle = 'full' | 'compact' | 'off';

export const BADGE_GLYPH: Record<DisplayStatus, string> = {
  verified: '✓',
  invalid: '✗',
  'no-provenance': '○',
  pending: '…',
  unavailable: '?',
  'not-applicable': '·',
};

export interface Badge {
  status: DisplayStatus;
  text: string;
  /** Shown apart from the status (its own colour): a downgrade against the release line (./trust.ts). */
  mark?: 'downgrade';
}

/**
 * The badge for a dependency. `verdict` undefined means pending. `spec` is the spec string as
 * written; when it is not the exact verified version, the version is appended in full style.
 */
export function badgeFor(verdict: Verdict | undefined, style: BadgeStyle, spec?: string): Badge | undefined {
  if (style === 'off') return undefined;
  const status: DisplayStatus = !verdict ? 'pending' : verdict.status in BADGE_GLYPH ? verdict.status : 'unavailable';
  const glyph = BADGE_GLYPH[status];
  if (style === 'compact' || !verdict) return { status, text: glyph };
  const versionNote =
    verdict.version && spec !== undefined && spec.trim() !== verdict.version ? ` (${cleanText(verdict.version, 40)})` : '';
  switch (verdict.status) {
    case 'verified': {
      // Never claim "verified" without facts from the engine: a verified verdict always carries them,
      // but if a newer engine omitted them the badge still says only what the engine said.
      const repo = shortRepository(verdict.facts?.sourceRepository);
      const commit = shortCommit(verdict.facts?.sourceCommit);
      const where = repo ? ` ${repo}${commit ? `@${commit}` : ''}` : ' verified';
      return { status, text: `${glyph}${where}${versionNote}` };
    }
    case 'invalid':
      return { status, text: `${glyph} invalid: ${shortReason(verdict.reason?.code) || 'verification failed'}${versionNote}` };
    case 'no-provenance':
      return { status, text: `${glyph} no provenance${versionNote}` };
    case 'unavailable':
      return { status, text: `${glyph} unavailable: ${shortReason(verdict.reason?.code) || 'not checked'}` };
    case 'not-applicable':
      return { status, text: `${glyph} not applicable: ${shortReason(verdict.reason?.code) || 'not from a registry'}` };
    default:
      return { status: 'unavailable', text: `${BADGE_GLYPH.unavailable} unavailable` };
  }
}
