import { cleanText } from '../../../verify/format/text';
import { reasonDocsUrl } from '../../format/reasons';
import { type DiagnosticRule, fileNoticeSpan, settled } from '../types';

/**
 * The configured registry serves no signatures or attestations (a mirror that strips them).
 * One warning per file with the fix: `provenanceLens.attestationRegistry`.
 */
export const mirrorStripsProvenance: DiagnosticRule = (context) => {
  const stripping = context.observations.filter((o) => o.stripsProvenance);
  if (stripping.length === 0) return [];
  const deps = settled(context);
  const stripped = deps.filter((d) => d.verdict.reason?.code === 'mirror-stripped');
  const attestationRegistry = context.settings.attestationRegistry.trim();
  const registries = stripping.map((o) => cleanText(o.registry, 200)).join(', ');
  let message: string;
  if (!attestationRegistry) {
    message =
      `The registry ${registries} serves packages without provenance or registry signatures, so they cannot be verified. ` +
      `Fix: set "provenanceLens.attestationRegistry" to https://registry.npmjs.org to fetch attestations from the public registry.`;
  } else if (stripped.length > 0) {
    message =
      `The registry ${registries} strips provenance, and the attestation registry ${cleanText(attestationRegistry, 200)} did not answer for ${stripped.length} ` +
      `${stripped.length === 1 ? 'dependency' : 'dependencies'}. Fix: check "provenanceLens.attestationRegistry" and your network.`;
  } else {
    // Attestations are being fetched from the attestation registry: working as intended, no notice.
    return [];
  }
  return [
    {
      span: fileNoticeSpan(context, stripped[0]?.located),
      severity: 'warning',
      message,
      code: 'mirror-stripped',
      target: reasonDocsUrl('mirror-stripped'),
    },
  ];
};
