/**
 * Short labels and explanation links for verdict reason codes. No `vscode` import.
 */
import { DOCS_URL } from '../../verify/report';
import type { ReasonCode, VerdictStatus } from '../../verify/types';

export { DOCS_URL };

const SHORT: Record<ReasonCode, string> = {
  'invalid-registry-signature': 'registry signature',
  'unknown-registry-key': 'unknown registry key',
  'expired-registry-key': 'expired registry key',
  'invalid-publish-signature': 'publish signature',
  'invalid-provenance-signature': 'provenance signature',
  'untrusted-certificate': 'untrusted certificate',
  'invalid-transparency-log': 'transparency log',
  'identity-mismatch': 'identity mismatch',
  'unsupported-issuer': 'unsupported issuer',
  'subject-name-mismatch': 'subject name',
  'subject-digest-mismatch': 'digest mismatch',
  'lockfile-integrity-mismatch': 'lockfile integrity',
  'ambiguous-integrity': 'ambiguous integrity',
  'registry-integrity-mismatch': 'registry integrity',
  'predicate-mismatch': 'predicate mismatch',
  'attestations-missing': 'attestations missing',
  'malformed-attestation': 'malformed attestation',
  'network-error': 'network error',
  timeout: 'timeout',
  'registry-error': 'registry error',
  'rate-limited': 'rate limited',
  'not-found': 'not found',
  'auth-required': 'auth required',
  'malformed-response': 'bad registry response',
  'mirror-stripped': 'registry strips provenance',
  offline: 'offline',
  'trust-material-unavailable': 'no trust material',
  'no-registry-keys': 'registry serves no provenance data',
  'registry-endorsement-missing': 'not endorsed by the registry',
  'lockfile-integrity-missing': 'no lockfile integrity',
  'lockfile-integrity-weak': 'weak lockfile integrity',
  'remote-tarball-unpinned': 'unpinned remote tarball',
  unresolved: 'unresolved',
  cancelled: 'cancelled',
  'internal-error': 'internal error',
  git: 'git',
  file: 'file',
  directory: 'directory',
  link: 'link',
  workspace: 'workspace',
  'remote-tarball': 'remote tarball',
  ignored: 'ignored',
  'invalid-spec': 'invalid spec',
  'not-advertised': 'not advertised',
};

/** A few words for a badge; unknown codes (a newer engine) fall back to the code itself. */
export function shortReason(code: string | undefined): string {
  if (!code) return '';
  return (SHORT as Record<string, string | undefined>)[code] ?? code.replace(/[^a-z0-9-]/gi, '').replace(/-/g, ' ');
}

/**
 * An https link explaining a reason code: the README's reason-code section (shared with the CLI's
 * reports, so it is changed in one place: src/verify/report.ts).
 */
export function reasonDocsUrl(_code: string): string {
  return DOCS_URL;
}

/** The diagnostic / rule code used for a status without a reason (no-provenance). */
export function statusCode(status: VerdictStatus, reasonCode?: string): string {
  if (status === 'no-provenance') return 'no-provenance';
  return reasonCode ?? status;
}

export const STATUS_LABEL: Record<VerdictStatus | 'pending', string> = {
  verified: 'Verified',
  invalid: 'Invalid',
  'no-provenance': 'No provenance',
  unavailable: 'Unavailable',
  'not-applicable': 'Not applicable',
  pending: 'Pending',
};
