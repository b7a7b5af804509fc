import { cleanText } from '../../../verify/format/text';
import { reasonDocsUrl } from '../../format/reasons';
import { type DiagnosticRule, settled, withNote } from '../types';

/** Published without provenance: severity from `provenanceLens.noProvenanceSeverity` (default information). */
export const noProvenance: DiagnosticRule = (context) => {
  const severity = context.settings.noProvenanceSeverity;
  if (severity === 'none') return [];
  return settled(context)
    .filter((d) => d.verdict.status === 'no-provenance')
    .map(({ located, verdict, state }) => ({
      span: located.specSpan,
      severity,
      message: withNote(
        `${cleanText(verdict.name, 120)}@${cleanText(verdict.version, 60)} was published without provenance: nothing signed links it to a source repository or build.`,
        state?.resolved?.note,
      ),
      code: 'no-provenance',
      target: reasonDocsUrl('no-provenance'),
      dependency: { section: located.section, name: located.name },
    }));
};
