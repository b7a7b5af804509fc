/**
 * Reading the Fulcio certificate extensions (OID arc 1.3.6.1.4.1.57264.1) of a verified signing
 * certificate. See https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md.
 *
 * Legacy extensions (.1 to .6) hold the raw string as the extension value; the newer ones (.8 and
 * up) hold a DER UTF8String.
 */
import type { X509Certificate } from '@sigstore/core';

const ARC = '1.3.6.1.4.1.57264.1';

export const FULCIO_OID = {
  issuerV1: `${ARC}.1`,
  githubWorkflowTrigger: `${ARC}.2`,
  githubWorkflowSha: `${ARC}.3`,
  githubWorkflowName: `${ARC}.4`,
  githubWorkflowRepository: `${ARC}.5`,
  githubWorkflowRef: `${ARC}.6`,
  issuer: `${ARC}.8`,
  buildSignerUri: `${ARC}.9`,
  buildSignerDigest: `${ARC}.10`,
  runnerEnvironment: `${ARC}.11`,
  sourceRepositoryUri: `${ARC}.12`,
  sourceRepositoryDigest: `${ARC}.13`,
  sourceRepositoryRef: `${ARC}.14`,
  sourceRepositoryIdentifier: `${ARC}.15`,
  sourceRepositoryOwnerUri: `${ARC}.16`,
  sourceRepositoryOwnerIdentifier: `${ARC}.17`,
  buildConfigUri: `${ARC}.18`,
  buildConfigDigest: `${ARC}.19`,
  buildTrigger: `${ARC}.20`,
  runInvocationUri: `${ARC}.21`,
  sourceRepositoryVisibility: `${ARC}.22`,
} as const;

const LEGACY = new Set<string>([
  FULCIO_OID.issuerV1,
  FULCIO_OID.githubWorkflowTrigger,
  FULCIO_OID.githubWorkflowSha,
  FULCIO_OID.githubWorkflowName,
  FULCIO_OID.githubWorkflowRepository,
  FULCIO_OID.githubWorkflowRef,
]);

const UTF8STRING = 12;
// No control characters (C0, DEL, C1) in anything we report or compare.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export class CertificateExtensionError extends Error {
  /** `untrusted-certificate` for a certificate no conforming CA issues (RFC 5280 violations), else unreadable. */
  readonly code: 'untrusted-certificate' | 'malformed-attestation';
  constructor(message: string, code: 'untrusted-certificate' | 'malformed-attestation' = 'malformed-attestation') {
    super(message);
    this.name = 'CertificateExtensionError';
    this.code = code;
  }
}

const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const GENERAL_NAME_EMAIL = 1;
const GENERAL_NAME_URI = 6;

/** The extensions we use, decoded. Absent extensions are undefined. */
export interface FulcioClaims {
  san?: string;
  /** The issuer: extension .8, else the legacy .1. */
  issuer?: string;
  /** The legacy issuer extension (.1), when present, to check it agrees with .8. */
  issuerV1?: string;
  githubWorkflowTrigger?: string;
  githubWorkflowSha?: string;
  githubWorkflowRepository?: string;
  githubWorkflowRef?: string;
  buildSignerUri?: string;
  runnerEnvironment?: string;
  sourceRepositoryUri?: string;
  sourceRepositoryDigest?: string;
  sourceRepositoryRef?: string;
  buildConfigUri?: string;
  buildTrigger?: string;
  runInvocationUri?: string;
}

function readExtension(cert: X509Certificate, oid: string): string | undefined {
  const ext = cert.extension(oid);
  if (!ext) return undefined;
  let bytes: Buffer;
  if (LEGACY.has(oid)) {
    bytes = ext.value;
  } else {
    const inner = ext.valueObj.subs;
    if (inner.length !== 1 || !inner[0].tag.isUniversal() || inner[0].tag.number !== UTF8STRING) {
      throw new CertificateExtensionError(`certificate extension ${oid} is not a UTF8String`);
    }
    bytes = inner[0].value;
  }
  const value = bytes.toString('utf8');
  if (value.length > 2048 || CONTROL.test(value) || value.includes('\ufffd')) {
    throw new CertificateExtensionError(`certificate extension ${oid} holds an unusable value`);
  }
  return value;
}

/**
 * RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular extension."
 * Readers that take the first instance (as `X509Certificate.extension()` does) and readers that take
 * the last would see different identities in the same certificate, so such a certificate is refused
 * outright rather than read either way.
 */
function assertNoDuplicateExtensions(cert: X509Certificate): void {
  const seen = new Set<string>();
  for (const e of cert.extensions) {
    let oid: string;
    try {
      oid = e.subs[0].toOID();
    } catch {
      throw new CertificateExtensionError('the certificate has an extension without a readable identifier', 'untrusted-certificate');
    }
    if (seen.has(oid))
      throw new CertificateExtensionError(`the certificate carries extension ${oid} more than once`, 'untrusted-certificate');
    seen.add(oid);
  }
}

/**
 * The certificate identity: a subjectAltName extension holding exactly one name, a URI (what Fulcio
 * issues for CI workload identities) or an email address (people; refused later as an unsupported
 * issuer). Several names, or another kind of name, are refused rather than reduced to the first URI.
 */
function readSan(cert: X509Certificate): string | undefined {
  const ext = cert.extension(OID_SUBJECT_ALT_NAME);
  if (!ext) return undefined;
  const seq = ext.valueObj.subs;
  const names = seq.length === 1 ? seq[0].subs : [];
  if (seq.length !== 1 || names.length !== 1) {
    throw new CertificateExtensionError(
      'the certificate identity (subjectAltName) does not hold exactly one name',
      'untrusted-certificate',
    );
  }
  const name = names[0];
  if (!name.tag.isContextSpecific(GENERAL_NAME_URI) && !name.tag.isContextSpecific(GENERAL_NAME_EMAIL)) {
    throw new CertificateExtensionError(
      'the certificate identity (subjectAltName) is neither a URI nor an email address',
      'untrusted-certificate',
    );
  }
  const bytes = name.value;
  // IA5String: ASCII only.
  if (bytes.length === 0 || bytes.length > 2048 || bytes.some((b) => b > 0x7e || b < 0x20)) {
    throw new CertificateExtensionError('the certificate identity holds an unusable value');
  }
  return bytes.toString('ascii');
}

/** Decode the Fulcio extensions of a (verified) leaf certificate. Throws CertificateExtensionError. */
export function readFulcioClaims(cert: X509Certificate): FulcioClaims {
  assertNoDuplicateExtensions(cert);
  const c: FulcioClaims = {};
  const san = readSan(cert);
  if (san !== undefined) c.san = san;
  c.issuerV1 = readExtension(cert, FULCIO_OID.issuerV1);
  c.issuer = readExtension(cert, FULCIO_OID.issuer) ?? c.issuerV1;
  c.githubWorkflowTrigger = readExtension(cert, FULCIO_OID.githubWorkflowTrigger);
  c.githubWorkflowSha = readExtension(cert, FULCIO_OID.githubWorkflowSha);
  c.githubWorkflowRepository = readExtension(cert, FULCIO_OID.githubWorkflowRepository);
  c.githubWorkflowRef = readExtension(cert, FULCIO_OID.githubWorkflowRef);
  c.buildSignerUri = readExtension(cert, FULCIO_OID.buildSignerUri);
  c.runnerEnvironment = readExtension(cert, FULCIO_OID.runnerEnvironment);
  c.sourceRepositoryUri = readExtension(cert, FULCIO_OID.sourceRepositoryUri);
  c.sourceRepositoryDigest = readExtension(cert, FULCIO_OID.sourceRepositoryDigest);
  c.sourceRepositoryRef = readExtension(cert, FULCIO_OID.sourceRepositoryRef);
  c.buildConfigUri = readExtension(cert, FULCIO_OID.buildConfigUri);
  c.buildTrigger = readExtension(cert, FULCIO_OID.buildTrigger);
  c.runInvocationUri = readExtension(cert, FULCIO_OID.runInvocationUri);
  return c;
}

/** True when a string from a signed statement is safe to report (bounded, no control characters). */
export function isReportable(s: string): boolean {
  return s.length > 0 && s.length <= 2048 && !CONTROL.test(s);
}
