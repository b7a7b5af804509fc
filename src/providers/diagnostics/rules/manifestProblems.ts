import { printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { cleanText } from '../../../verify/format/text';
import { reasonDocsUrl } from '../../format/reasons';
import { type DiagnosticRule, settled } from '../types';

/**
 * What cannot be read: malformed JSON, non-string or invalid specs, or a run that failed as a whole.
 * Warnings, because they say nothing about any package's provenance.
 */
export const manifestProblems: DiagnosticRule = (context) => {
  const out: ReturnType<DiagnosticRule> = [];
  for (const error of context.located.errors.slice(0, 5)) {
    out.push({
      span: { offset: error.offset, length: Math.max(1, error.length) },
      severity: 'warning',
      message: `${context.fileName} is not valid JSON here (${printParseErrorCode(error.code as Parameters<typeof printParseErrorCode>[0])}); dependencies that cannot be read are not checked.`,
      code: 'invalid-spec',
      target: reasonDocsUrl('invalid-spec'),
    });
  }
  if (!context.located.malformed) {
    for (const problem of context.engineProblems.slice(0, 20)) {
      out.push({
        span: problem.span.length > 0 ? problem.span : { offset: problem.span.offset, length: 1 },
        severity: 'warning',
        message: cleanText(problem.message, 500),
        code: 'invalid-spec',
        target: reasonDocsUrl('invalid-spec'),
      });
    }
  }
  for (const d of settled(context)) {
    if (d.verdict.status === 'not-applicable' && d.verdict.reason?.code === 'invalid-spec') {
      out.push({
        span: d.located.specSpan,
        severity: 'warning',
        message: `"${cleanText(d.located.name, 120)}": ${cleanText(d.verdict.reason.message, 400)}`,
        code: 'invalid-spec',
        target: reasonDocsUrl('invalid-spec'),
        dependency: { section: d.located.section, name: d.located.name },
      });
    }
  }
  if (context.runError) {
    out.push({
      span: { offset: 0, length: 1 },
      severity: 'warning',
      message: `Provenance Lens could not check ${context.fileName}: ${cleanText(context.runError, 400)} (see "Provenance: Show Log").`,
      code: 'internal-error',
      target: reasonDocsUrl('internal-error'),
    });
  }
  return out;
};
