import { cleanText } from '../../../verify/format/text';
import { reasonDocsUrl } from '../../format/reasons';
import { type DiagnosticRule, settled, withNote } from '../types';

/** Provenance (or a registry signature) was checked and failed: an error on the version string. */
export const invalidProvenance: DiagnosticRule = (context) =>
  settled(context)
    .filter((d) => d.verdict.status === 'invalid')
    .map(({ located, verdict, state }) => {
      const code = verdict.reason?.code ?? 'invalid';
      return {
        span: located.specSpan,
        severity: 'error' as const,
        message: withNote(
          `${cleanText(verdict.name, 120)}@${cleanText(verdict.version, 60)}: provenance check failed (${code}). ${cleanText(verdict.reason?.message ?? '', 500)}`.trim(),
          state?.resolved?.note,
        ),
        code,
        target: reasonDocsUrl(code),
        dependency: { section: located.section, name: located.name },
      };
    });
