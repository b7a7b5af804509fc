import { cleanText } from '../../../verify/format/text';
import type { FindingSeverity } from '../../../verify/history/types';
import { TRUST_DOCS_URL } from '../../format/trust';
import { currentTrust } from '../../state/documentState';
import { type DiagnosticRule, type Severity, settled } from '../types';

const SEVERITY: Record<Exclude<FindingSeverity, 'off'>, Severity> = { error: 'error', warning: 'warning', information: 'information' };

/**
 * Trust history: every finding of a dependency's release-line history (src/verify/history), on its version
 * string, with the severity the finding has under the policy (findings the policy turns off are left out),
 * the finding code and a link to its explanation.
 */
export const trustFindings: DiagnosticRule = (context) =>
  settled(context).flatMap(({ located, state }) => {
    const trust = currentTrust(state);
    const assessment = trust?.state === 'done' ? trust.assessment : undefined;
    if (!assessment) return [];
    return assessment.findings
      .filter((f) => f.severity !== 'off')
      .map((f) => ({
        span: located.specSpan,
        severity: SEVERITY[f.severity as Exclude<FindingSeverity, 'off'>] ?? 'warning',
        message: `${cleanText(f.message, 900)}${f.severityNote ? ` (${cleanText(f.severityNote, 300)})` : ''}`,
        code: f.code,
        target: TRUST_DOCS_URL,
        dependency: { section: located.section, name: located.name },
      }));
  });
