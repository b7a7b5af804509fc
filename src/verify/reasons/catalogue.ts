/**
 * The one catalogue of verdict statuses, reason codes and trust-finding codes. Everything that names a
 * code is derived from here: the TypeScript unions (src/verify/types.ts, src/verify/history/types.ts),
 * the editor's badge labels, the CLI's status labels, the SARIF rules of every report, the per-code
 * links to the README, and the README's own tables (`npm run docs:reasons` writes them; a test checks
 * that the README is up to date).
 *
 * To add a reason code: add an entry to REASONS (status, label, meaning), run `npm run docs:reasons`,
 * and produce it where the engine finds the problem. The type system then asks for it everywhere else.
 *
 * Imports nothing (every other module may import it). Never imports `vscode`.
 */

/** Where the documentation lives: the README of the repository (package.json `repository`). */
export const README_URL = 'https://github.com/provenance-lens/provenance-lens';

/** The five outcomes of verifying one exact package version, in the order summaries count them. */
export const STATUSES = {
  verified: { title: 'Verified', cli: 'verified' },
  'no-provenance': { title: 'No provenance', cli: 'no provenance' },
  invalid: { title: 'Invalid', cli: 'INVALID' },
  unavailable: { title: 'Unavailable', cli: 'unavailable' },
  'not-applicable': { title: 'Not applicable', cli: 'n/a' },
} as const satisfies Record<string, { title: string; cli: string }>;

export type VerdictStatus = keyof typeof STATUSES;

/** Every verdict status, in summary order. */
export const VERDICT_STATUSES = Object.keys(STATUSES) as VerdictStatus[];

/** The statuses that carry a reason (every status but `verified`). */
type ReasonStatus = Exclude<VerdictStatus, 'verified'>;

export interface ReasonEntry {
  status: ReasonStatus;
  /** A few words for a badge: `✗ invalid: <label>`. */
  label: string;
  /** What the code means, in plain words (Markdown: code in backticks). The README table shows it. */
  meaning: string;
}

/**
 * Every reason code, grouped by status in the order the README lists them. Each code is a verdict about
 * the package version as the registry serves it (`invalid`), the absence of attestations
 * (`no-provenance`), something that could not be checked (`unavailable`: no claim about the package), or
 * a dependency that does not come from a registry (`not-applicable`).
 */
export const REASONS = {
  'invalid-registry-signature': {
    status: 'invalid',
    label: 'registry signature',
    meaning: 'a `dist.signatures` entry does not verify over `<name>@<version>:<integrity>`',
  },
  'unknown-registry-key': {
    status: 'invalid',
    label: 'unknown registry key',
    meaning: 'a signature or publish attestation names a key the registry does not publish',
  },
  'expired-registry-key': {
    status: 'invalid',
    label: 'expired registry key',
    meaning: 'the signing key was not valid when the version was published (or logged)',
  },
  'invalid-publish-signature': {
    status: 'invalid',
    label: 'publish signature',
    meaning: "the npm publish attestation's signature does not verify",
  },
  'invalid-provenance-signature': {
    status: 'invalid',
    label: 'provenance signature',
    meaning: "the SLSA provenance envelope's signature does not verify",
  },
  'untrusted-certificate': {
    status: 'invalid',
    label: 'untrusted certificate',
    meaning: 'the signing certificate does not chain to the trusted root, or lacks a valid SCT',
  },
  'invalid-transparency-log': {
    status: 'invalid',
    label: 'transparency log',
    meaning: 'no valid inclusion proof or signed entry timestamp, or the entry does not match',
  },
  'identity-mismatch': {
    status: 'invalid',
    label: 'identity mismatch',
    meaning: 'the certificate (repository, commit, ref, workflow, run, runner) disagrees with the provenance',
  },
  'unsupported-issuer': {
    status: 'invalid',
    label: 'unsupported issuer',
    meaning: 'the signer is neither GitHub Actions nor GitLab',
  },
  'subject-name-mismatch': {
    status: 'invalid',
    label: 'subject name',
    meaning: 'a statement is about another package or version',
  },
  'subject-digest-mismatch': {
    status: 'invalid',
    label: 'digest mismatch',
    meaning: "a statement's sha512 differs from the tarball's `dist.integrity`",
  },
  'predicate-mismatch': {
    status: 'invalid',
    label: 'predicate mismatch',
    meaning: 'the publish attestation names another package or version',
  },
  'attestations-missing': {
    status: 'invalid',
    label: 'attestations missing',
    meaning: 'attestations are advertised, but the endpoint has none (or no provenance)',
  },
  'malformed-attestation': {
    status: 'invalid',
    label: 'malformed attestation',
    meaning: 'a bundle or statement cannot be read',
  },
  'lockfile-integrity-mismatch': {
    status: 'invalid',
    label: 'lockfile integrity',
    meaning: "the lockfile's integrity differs from what the registry serves",
  },
  'ambiguous-integrity': {
    status: 'invalid',
    label: 'ambiguous integrity',
    meaning:
      "an integrity (the registry's, the attestation registry's or the lockfile's) lets the installer accept more than one tarball: several digests, or a sha512 beside digests that cannot be checked against it",
  },
  'registry-integrity-mismatch': {
    status: 'invalid',
    label: 'registry integrity',
    meaning: 'the configured registry and the attestation registry serve different tarballs',
  },
  'not-advertised': {
    status: 'no-provenance',
    label: 'not advertised',
    meaning: 'published without attestations',
  },
  'mirror-stripped': {
    status: 'unavailable',
    label: 'registry strips provenance',
    meaning: 'the registry serves no signatures or attestations although they exist: a stripping mirror or proxy',
  },
  'no-registry-keys': {
    status: 'unavailable',
    label: 'registry serves no provenance data',
    meaning: 'the registry publishes no signing keys, so nothing it serves can be checked',
  },
  'registry-endorsement-missing': {
    status: 'unavailable',
    label: 'not endorsed by the registry',
    meaning:
      'provenance is served, but neither an npm publish attestation nor a valid registry signature: nothing from the registry says it published these bytes',
  },
  'lockfile-integrity-missing': {
    status: 'unavailable',
    label: 'no lockfile integrity',
    meaning:
      "the lockfile records no integrity, so the installer accepts any tarball; the registry's verified provenance cannot be tied to it",
  },
  'lockfile-integrity-weak': {
    status: 'unavailable',
    label: 'weak lockfile integrity',
    meaning: 'the lockfile pins the tarball only by sha1 (equal to `dist.shasum`) or another digest than the signed sha512',
  },
  'remote-tarball-unpinned': {
    status: 'unavailable',
    label: 'unpinned remote tarball',
    meaning: 'the lockfile fetches this version from a host other than the registry without pinning the signed sha512',
  },
  'network-error': {
    status: 'unavailable',
    label: 'network error',
    meaning: 'the registry could not be reached (connection, DNS, TLS or proxy failure)',
  },
  timeout: {
    status: 'unavailable',
    label: 'timeout',
    meaning: 'the registry gave no complete answer in time (`--timeout`, default 15 s)',
  },
  'registry-error': {
    status: 'unavailable',
    label: 'registry error',
    meaning: 'the registry answered an error (5xx) or an unexpected status, after retries',
  },
  'rate-limited': {
    status: 'unavailable',
    label: 'rate limited',
    meaning: 'the registry kept answering 429 (too many requests), after retries',
  },
  'auth-required': {
    status: 'unavailable',
    label: 'auth required',
    meaning: 'the registry asks for credentials (401 / 403) that `.npmrc` does not give it',
  },
  'malformed-response': {
    status: 'unavailable',
    label: 'bad registry response',
    meaning: 'the registry answered something that is not the document asked for (packument, attestations, keys)',
  },
  'not-found': {
    status: 'unavailable',
    label: 'not found',
    meaning: 'the registry does not know this name or version',
  },
  offline: {
    status: 'unavailable',
    label: 'offline',
    meaning: 'offline (`--offline`, the `offline` setting) and nothing cached for this version: nothing was checked',
  },
  cancelled: {
    status: 'unavailable',
    label: 'cancelled',
    meaning: 'the check was cancelled before it finished: nothing was checked',
  },
  unresolved: {
    status: 'unavailable',
    label: 'unresolved',
    meaning: 'the spec could not be resolved to an exact version: nothing was checked',
  },
  'trust-material-unavailable': {
    status: 'unavailable',
    label: 'no trust material',
    meaning: 'no Sigstore trusted root or npm registry keys could be loaded: nothing was checked',
  },
  'internal-error': {
    status: 'unavailable',
    label: 'internal error',
    meaning: 'Provenance Lens itself failed (the log says how): nothing was checked',
  },
  git: {
    status: 'not-applicable',
    label: 'git',
    meaning: 'not a registry package: it comes from a git repository',
  },
  file: {
    status: 'not-applicable',
    label: 'file',
    meaning: 'not a registry package: it comes from a local tarball file',
  },
  directory: {
    status: 'not-applicable',
    label: 'directory',
    meaning: 'not a registry package: it comes from a local folder',
  },
  link: {
    status: 'not-applicable',
    label: 'link',
    meaning: 'not a registry package: a link to a local folder',
  },
  workspace: {
    status: 'not-applicable',
    label: 'workspace',
    meaning: 'not a registry package: a package of this workspace',
  },
  'remote-tarball': {
    status: 'not-applicable',
    label: 'remote tarball',
    meaning: 'not a registry package: package.json asks for a tarball URL',
  },
  ignored: {
    status: 'not-applicable',
    label: 'ignored',
    meaning: 'on the ignore list (setting `provenanceLens.ignore`)',
  },
  'invalid-spec': {
    status: 'not-applicable',
    label: 'invalid spec',
    meaning: 'the spec in package.json cannot be read as an npm spec',
  },
} as const satisfies Record<string, ReasonEntry>;

export type ReasonCode = keyof typeof REASONS;

/** The reason codes of one status. */
type CodesOf<S extends ReasonStatus> = { [C in ReasonCode]: (typeof REASONS)[C]['status'] extends S ? C : never }[ReasonCode];

/** Why a version is `invalid`: something was checked and failed. */
export type InvalidCode = CodesOf<'invalid'>;
/** Why a version is `unavailable`: nothing is claimed about the package itself. */
export type UnavailableCode = CodesOf<'unavailable'>;
/** Why a dependency is `not-applicable`: it does not come from a registry (or is ignored). */
export type NotApplicableCode = CodesOf<'not-applicable'>;
/** Why a version is `no-provenance`: it was published without attestations. */
export type NoProvenanceCode = CodesOf<'no-provenance'>;

/** Every reason code, in catalogue (README) order. */
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

/** A table's entry for a string, or undefined for one that is not its key (a newer engine's code, a registry's, `__proto__`). */
function lookup<E>(table: Record<string, E>, code: string | undefined): E | undefined {
  return code !== undefined && Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
}

/** A README link: the code's row (its anchor) when the table has the code, else the section. */
function docsUrl<C extends string>(
  table: Record<C, unknown>,
  anchor: (code: C) => string,
  section: string,
  code: string | undefined,
): string {
  return lookup(table, code) ? `${README_URL}#${anchor(code as C)}` : `${README_URL}#${section}`;
}

/** The catalogue entry of a reason code, or undefined for a string that is not one. */
export function reasonEntry(code: string | undefined): ReasonEntry | undefined {
  return lookup<ReasonEntry>(REASONS, code);
}

/** The README anchor of a reason code (the first cell of its row in the "Reason codes" table). */
export function reasonAnchor(code: ReasonCode): string {
  return `reason-${code}`;
}

/**
 * An https link explaining a code: its row of the README's "Reason codes" table; for anything else
 * (a status such as `no-provenance`, an unknown code) the table itself.
 */
export function reasonDocsUrl(code: string | undefined): string {
  return docsUrl(REASONS, reasonAnchor, 'reason-codes', code);
}

export interface FindingEntry {
  /** Severity unless the policy file says otherwise. */
  severity: 'error' | 'warning' | 'information';
  /** What the finding means, in plain words (Markdown). The README's "Trust history" table shows it. */
  meaning: string;
}

/**
 * Every trust-history finding code (src/verify/history), in the order the README lists them. Findings
 * have severities, not statuses: they are about how a version was published compared with its release line.
 */
export const FINDINGS = {
  'trusted-publisher-lost': {
    severity: 'error',
    meaning:
      'weaker evidence than an earlier version of the line that had trusted (or staged) publishing; names that version, its publisher and who published this one',
  },
  'provenance-lost': {
    severity: 'error',
    meaning: 'no provenance, where an earlier version of the line had it',
  },
  'source-repository-changed': {
    severity: 'error',
    meaning: 'the signed source repository differs from the previous verified version of the line (both named)',
  },
  'workflow-changed': {
    severity: 'warning',
    meaning: 'same repository, another workflow file than the previous verified version',
  },
  'ref-kind-changed': {
    severity: 'information',
    meaning: 'built from a branch where the previous verified version was built from a tag, or the reverse',
  },
  'self-hosted-runner': {
    severity: 'warning',
    meaning: 'the signed provenance says the build ran on a self-hosted runner (or self-managed GitLab)',
  },
  'repository-mismatch': {
    severity: 'warning',
    meaning: 'the package.json `repository` is not the signed source repository',
  },
  'previous-evidence-invalid': {
    severity: 'error',
    meaning: 'the earlier evidence a comparison needed fails verification',
  },
  'evidence-required': {
    severity: 'error',
    meaning: 'the policy requires verified provenance / trusted publishing / a source for this package',
  },
  'source-not-allowed': {
    severity: 'error',
    meaning: 'the verified source repository is not among those the policy allows',
  },
} as const satisfies Record<string, FindingEntry>;

export type TrustFindingCode = keyof typeof FINDINGS;

/** The catalogue entry of a finding code, or undefined for a string that is not one. */
export function findingEntry(code: string | undefined): FindingEntry | undefined {
  return lookup<FindingEntry>(FINDINGS, code);
}

/** The README anchor of a finding code (the first cell of its row in the "Trust history" table). */
export function findingAnchor(code: TrustFindingCode): string {
  return `finding-${code}`;
}

/** An https link explaining a finding code: its README row, else the "Trust history" section. */
export function findingDocsUrl(code: string | undefined): string {
  return docsUrl(FINDINGS, findingAnchor, 'trust-history', code);
}

/** A catalogue meaning as plain text (for SARIF `text`, terminals): the Markdown backticks dropped. */
export function plainText(markdown: string): string {
  return markdown.replace(/`/g, '');
}
