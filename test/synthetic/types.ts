/**
 * Shapes of the synthetic npm provenance data (see ./generate.ts).
 */
import type { InvalidCode, ProvenanceFacts, RegistrySignatureStatus } from '../../src/verify/types';

/** Placeholder registry base URL used in versionDoc URLs; a fixture registry substitutes its own. */
export const SYNTHETIC_REGISTRY = 'https://registry.synthetic.invalid';
/** What the npm publish attestation's predicate names as the registry (as the real registry does). */
export const PUBLISH_PREDICATE_REGISTRY = 'https://registry.npmjs.org';

export const PUBLISH_PREDICATE_TYPE = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const BUNDLE_V02_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.2';

export interface TlogEntryJSON {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  /** Absent for logs that give no signed entry timestamp (the integratedTime is then signed by nothing). */
  inclusionPromise?: { signedEntryTimestamp: string };
  inclusionProof: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
  canonicalizedBody: string;
}

/** A Sigstore bundle in its protobuf JSON form (what the attestations endpoint serves). */
export interface SigstoreBundleJSON {
  mediaType: string;
  verificationMaterial: {
    certificate?: { rawBytes: string };
    publicKey?: { hint: string };
    tlogEntries: TlogEntryJSON[];
    timestampVerificationData?: { rfc3161Timestamps: { signedTimestamp: string }[] };
  };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] };
}

/** Body of `GET /-/npm/v1/attestations/<name>@<version>`. */
export interface AttestationsBody {
  attestations: { predicateType: string; bundle: SigstoreBundleJSON }[];
}

export interface RegistrySignatureJSON {
  keyid: string;
  sig: string;
}

/** What `GET /<name>/<version>` returns (and what a packument's `versions[v]` holds). */
export interface SyntheticVersionDoc {
  name: string;
  version: string;
  description: string;
  main: string;
  license: string;
  repository?: { type: 'git'; url: string };
  dist: {
    integrity: string;
    shasum: string;
    /** Placeholder URL under SYNTHETIC_REGISTRY. */
    tarball: string;
    fileCount: number;
    unpackedSize: number;
    signatures?: RegistrySignatureJSON[];
    attestations?: { url: string; provenance: { predicateType: string } };
  };
}

/**
 * What @sigstore/verify's Verifier (trust material from `trustedRoot` + `npmKeys`) says about a bundle:
 * 'valid', the VerificationError code it throws, or 'malformed' when @sigstore/bundle cannot even load it.
 */
export type SigstoreOutcome =
  'valid' | 'malformed' | 'CERTIFICATE_ERROR' | 'SIGNATURE_ERROR' | 'PUBLIC_KEY_ERROR' | 'TLOG_INCLUSION_PROOF_ERROR';

export interface SyntheticExpected {
  status: 'verified' | 'no-provenance' | 'invalid';
  /** Set when status is 'invalid'. */
  code?: InvalidCode;
  /** Set when status is 'verified': the facts the verdict must carry (every field listed is exact). */
  facts?: Partial<ProvenanceFacts>;
  registrySignature?: RegistrySignatureStatus;
}

export interface SyntheticCase {
  id: string;
  description: string;
  name: string;
  version: string;
  /** sha512 SRI of `tarball` (= versionDoc.dist.integrity). */
  integrity: string;
  /** A real gzipped tar of package/package.json, package/index.js, package/README.md. */
  tarball: Buffer;
  versionDoc: SyntheticVersionDoc;
  /** Publish time (packument `time[version]`), ISO-8601. */
  time: string;
  /** Body of the attestations endpoint; null means it answers 404. */
  attestations: AttestationsBody | null;
  expected: SyntheticExpected;
  /** Per served bundle, what @sigstore/verify alone says (absent: no such bundle is served). */
  sigstore: { publish?: SigstoreOutcome; provenance?: SigstoreOutcome };
}

/** Sigstore TrustedRoot, protobuf JSON form (as trusted_root.json in the TUF repository). */
export interface TrustedRootJSON {
  mediaType: string;
  tlogs: TransparencyLogInstanceJSON[];
  certificateAuthorities: CertificateAuthorityJSON[];
  ctlogs: TransparencyLogInstanceJSON[];
  timestampAuthorities: CertificateAuthorityJSON[];
}

export interface ValidForJSON {
  start: string;
  end?: string;
}

export interface TransparencyLogInstanceJSON {
  baseUrl: string;
  hashAlgorithm: 'SHA2_256';
  publicKey: { rawBytes: string; keyDetails: 'PKIX_ECDSA_P256_SHA_256'; validFor: ValidForJSON };
  logId: { keyId: string };
}

export interface CertificateAuthorityJSON {
  subject: { organization: string; commonName: string };
  uri: string;
  certChain: { certificates: { rawBytes: string }[] };
  validFor: ValidForJSON;
}

/** The Sigstore TUF target `registry.npmjs.org/keys.json`. */
export interface TufNpmKeys {
  keys: {
    keyId: string;
    keyUsage: 'npm:signatures' | 'npm:attestations';
    publicKey: { rawBytes: string; keyDetails: 'PKIX_ECDSA_P256_SHA_256'; validFor: ValidForJSON };
  }[];
}

/** The registry's `GET /-/npm/v1/keys` response. */
export interface RegistryNpmKeys {
  keys: { expires: string | null; keyid: string; keytype: 'ecdsa-sha2-nistp256'; scheme: 'ecdsa-sha2-nistp256'; key: string }[];
}

export interface SyntheticPackument {
  name: string;
  'dist-tags': { latest: string };
  versions: Record<string, SyntheticVersionDoc>;
  time: Record<string, string>;
}

export interface SyntheticData {
  /** The seed used (given or random): the same seed gives the same keys, tarballs and ids. */
  seed: string;
  /** ISO time the data was generated; all signing times lie 30 to 21 days before it. */
  generatedAt: string;
  /** SYNTHETIC_REGISTRY: the base of every URL in versionDocs. */
  registry: string;
  trustedRoot: TrustedRootJSON;
  /** npm keys in the TUF keys.json target format. */
  npmKeys: TufNpmKeys;
  /** The same keys in the registry `/-/npm/v1/keys` format. */
  registryKeys: RegistryNpmKeys;
  packages: SyntheticCase[];
  /** Full packuments by package name, built from `packages` (synth-evolving has several versions). */
  packuments: Record<string, SyntheticPackument>;
  keyIds: {
    /** The active registry key (signs dist.signatures and publish attestations). */
    current: string;
    /** A published key whose validity ended before every synthetic publish time. */
    expired: string;
    /** A key the registry does not publish. */
    unknown: string;
  };
}
