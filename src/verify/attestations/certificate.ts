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
  constructor(message: string) {
    super(message);
    this.name = 'CertificateExtensionError';
  }
}

/** The extensions we use, decoded. Absent extensions are undefined. */
export interface FulcioClaims {
  san?: string;
  issuer?: string;
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

/** Decode the Fulcio extensions of a (verified) leaf certificate. Throws CertificateExtensionError. */
export function readFulcioClaims(cert: X509Certificate): FulcioClaims {
  const c: FulcioClaims = {};
  const san = cert.subjectAltName;
  if (san !== undefined) {
    if (san.length > 2048 || CONTROL.test(san)) throw new CertificateExtensionError('the certificate identity holds an unusable value');
    c.san = san;
  }
  c.issuer = readExtension(cert, FULCIO_OID.issuer) ?? readExtension(cert, FULCIO_OID.issuerV1);
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
