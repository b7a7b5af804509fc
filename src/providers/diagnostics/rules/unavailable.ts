import { cleanText } from '../../../verify/format/text';
import { reasonDocsUrl, shortReason } from '../../format/reasons';
import { type DiagnosticRule, fileNoticeSpan, settled } from '../types';

/**
 * Dependencies that could not be checked get no per-package diagnostic (that would read as a verdict
 * about the package). One information notice on the first section key says how many and why, so the
 * Problems panel explains the "?" badges without drowning real findings.
 */
export const unavailableNotice: DiagnosticRule = (context) => {
  const unavailable = settled(context).filter((d) => d.verdict.status === 'unavailable' && d.verdict.reason?.code !== 'cancelled');
  if (unavailable.length === 0) return [];
  const byCode = new Map<string, number>();
  for (const d of unavailable) {
    const code = d.verdict.reason?.code ?? 'unavailable';
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  const ranked = [...byCode.entries()].sort((a, b) => b[1] - a[1]);
  const first = unavailable[0];
  const summary = ranked.map(([code, n]) => `${shortReason(code)}: ${n}`).join(', ');
  const example = `${cleanText(first.verdict.name || first.located.name, 120)}${first.verdict.version ? `@${cleanText(first.verdict.version, 60)}` : ''}`;
  const plural = unavailable.length === 1 ? 'dependency' : 'dependencies';
  return [
    {
      span: fileNoticeSpan(context, first.located),
      severity: 'information',
      message:
        `Provenance of ${unavailable.length} ${plural} could not be checked (${summary}); nothing is claimed about them. ` +
        `First: ${example}: ${cleanText(first.verdict.reason?.message ?? '', 300)}`.trim(),
      code: ranked[0][0],
      target: reasonDocsUrl(ranked[0][0]),
    },
  ];
};
