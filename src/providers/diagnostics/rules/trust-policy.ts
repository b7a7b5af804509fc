import { cleanText } from '../../../verify/format/text';
import { POLICY_DOCS_URL } from '../../format/trust';
import { type DiagnosticRule, fileNoticeSpan } from '../types';

/**
 * The trust policy (`.provenance-lens.json`) that applies to this file: one notice when it has errors
 * (it is not applied, as the CLI refuses it), or when Restricted Mode keeps it from being applied.
 */
export const trustPolicy: DiagnosticRule = (context) => {
  const policy = context.trustPolicy;
  if (!policy) return [];
  const span = fileNoticeSpan(context);
  if (policy.errors.length) {
    const where = policy.path ? ` ${cleanText(policy.path, 300)}` : '';
    return [
      {
        span,
        severity: 'warning',
        message: `The trust policy${where} has errors and is not applied (default severities are used): ${cleanText(policy.errors.slice(0, 5).join('; '), 900)}`,
        code: 'policy-invalid',
        target: POLICY_DOCS_URL,
      },
    ];
  }
  if (policy.notApplied)
    return [
      { span, severity: 'information', message: cleanText(policy.notApplied, 600), code: 'policy-not-applied', target: POLICY_DOCS_URL },
    ];
  return [];
};
