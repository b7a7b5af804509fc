/**
 * A private, in-process Sigstore (Fulcio CA + CT log + Rekor, from @sigstore/mock) to sign synthetic
 * attestations: statements whose certificate claims we choose, so identity checks can be exercised
 * with real signatures, chains, SCTs and signed entry timestamps. Nothing here touches the network.
 *
 * (Imports @sigstore/mock's submodules directly: its package entry point also loads nock. Its CT log
 * serialises SCTs through a pkijs API whose output the installed pkijs no longer matches, so the CT log
 * here is our own: RFC 6962 SCTs signed over the precertificate, as Fulcio's CT log does.)
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { dsse, X509Certificate } from '@sigstore/core';
import { initializeCA, type CTLog } from '@sigstore/mock/dist/fulcio';
import { initializeTLog } from '@sigstore/mock/dist/rekor';
import type { NpmKey } from '../../../../src/verify/trust';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const OID = (n: number): string => `1.3.6.1.4.1.57264.1.${n}`;
const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

type Extension = { oid: string; value: string; legacy?: boolean };

interface LogEntryBody {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: { signedEntryTimestamp: string };
}

export interface AttestationEntry {
  predicateType: string;
  bundle: Record<string, unknown>;
}

export interface MockSigstore {
  trustedRoot: Record<string, unknown>;
  npmKey: NpmKey;
  /** Sign a statement keylessly with a certificate carrying `san` and `extensions`. */
  provenance(statement: Record<string, unknown>, san: string, extensions: Extension[]): Promise<AttestationEntry>;
  /** Sign a statement with the registry key (an npm publish attestation). */
  publish(statement: Record<string, unknown>): Promise<AttestationEntry>;
}

const b64 = (b: Buffer | Uint8Array): string => Buffer.from(b).toString('base64');
const p256 = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync('ec', { namedCurve: 'P-256' });

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** A CT log issuing RFC 6962 v1 SCTs for precertificates (returned length-prefixed, as one SCT list item). */
function createCTLog(): CTLog {
  const keys = p256();
  const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' });
  const logID = createHash('sha256').update(publicKey).digest();
  return {
    publicKey,
    logID,
    async log(precert: ArrayBuffer, issuerID: ArrayBuffer): Promise<ArrayBuffer> {
      const tbs = X509Certificate.parse(Buffer.from(precert)).tbsCertificate.toDER();
      const timestamp = Buffer.alloc(8);
      timestamp.writeBigUInt64BE(BigInt(Date.now()));
      // digitally-signed struct: version, signature type, timestamp, entry type (precert), issuer key hash, TBS, extensions
      const signed = Buffer.concat([Buffer.from([0, 0]), timestamp, u16(1), Buffer.from(issuerID), u24(tbs.length), tbs, u16(0)]);
      const sig = sign('sha256', signed, keys.privateKey);
      const sct = Buffer.concat([Buffer.from([0]), logID, timestamp, u16(0), Buffer.from([4, 3]), u16(sig.length), sig]);
      const item = Buffer.concat([u16(sct.length), sct]);
      return item.buffer.slice(item.byteOffset, item.byteOffset + item.byteLength) as ArrayBuffer;
    },
  };
}

export async function createMockSigstore(): Promise<MockSigstore> {
  const start = new Date(Date.now() - 3600_000).toISOString();
  const ctlog = createCTLog();
  const ca = await initializeCA(p256(), ctlog, new Date());
  const tlogKeys = p256();
  // The log integrates entries a second after certificates are issued (both within the 10-minute validity).
  const tlog = await initializeTLog('https://rekor.example', tlogKeys, new Date(Date.now() + 1000));
  const tlogSpki = tlogKeys.publicKey.export({ format: 'der', type: 'spki' });

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.example',
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(tlogSpki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: b64(createHash('sha256').update(tlogSpki).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.example',
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.example',
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    timestampAuthorities: [],
  };

  const registryKeys = p256();
  const npmKey: NpmKey = { keyId: 'SHA256:synthetic-registry-key', usage: 'npm:attestations', publicKey: registryKeys.publicKey };

  async function bundle(
    statement: Record<string, unknown>,
    privateKey: KeyObject,
    verifier: string,
    material: Record<string, unknown>,
  ): Promise<AttestationEntry> {
    const payload = Buffer.from(JSON.stringify(statement));
    const sig = sign('sha256', dsse.preAuthEncoding(PAYLOAD_TYPE, payload), privateKey);
    const body = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        signatures: [{ signature: b64(sig), verifier: b64(Buffer.from(verifier)) }],
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      },
    };
    const logged = (await tlog.log(body)) as Record<string, LogEntryBody>;
    const entry = Object.values(logged)[0];
    return {
      predicateType: String(statement.predicateType),
      bundle: {
        mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
        verificationMaterial: {
          ...material,
          tlogEntries: [
            {
              logIndex: String(entry.logIndex),
              logId: { keyId: b64(Buffer.from(entry.logID, 'hex')) },
              kindVersion: { kind: 'dsse', version: '0.0.1' },
              integratedTime: String(entry.integratedTime),
              inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
              canonicalizedBody: entry.body,
            },
          ],
          timestampVerificationData: { rfc3161Timestamps: [] },
        },
        dsseEnvelope: { payload: b64(payload), payloadType: PAYLOAD_TYPE, signatures: [{ sig: b64(sig), keyid: '' }] },
      },
    };
  }

  return {
    trustedRoot,
    npmKey,
    async provenance(statement, san, extensions) {
      const signer = p256();
      const cert = await ca.issueCertificate({
        publicKey: signer.publicKey.export({ format: 'der', type: 'spki' }),
        subjectAltName: san,
        extensions,
      });
      const pem = `-----BEGIN CERTIFICATE-----\n${b64(cert)}\n-----END CERTIFICATE-----\n`;
      return bundle(statement, signer.privateKey, pem, { x509CertificateChain: { certificates: [{ rawBytes: b64(cert) }] } });
    },
    async publish(statement) {
      const pem = registryKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      return bundle(statement, registryKeys.privateKey, pem, { publicKey: { hint: npmKey.keyId } });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Statements and certificate claims shaped like npm's

export interface GitHubBuild {
  name: string;
  version: string;
  sha512: string;
  repository: string;
  path: string;
  ref: string;
  commit: string;
  run: string;
  builder: string;
  event: string;
}

export function purl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

export function githubV1Statement(b: GitHubBuild): Record<string, unknown> {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: purl(b.name, b.version), digest: { sha512: b.sha512 } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: b.ref, repository: b.repository, path: b.path } },
        internalParameters: { github: { event_name: b.event, repository_id: '1', repository_owner_id: '2' } },
        resolvedDependencies: [{ uri: `git+${b.repository}@${b.ref}`, digest: { gitCommit: b.commit } }],
      },
      runDetails: { builder: { id: b.builder }, metadata: { invocationId: b.run } },
    },
  };
}

export interface CertClaims {
  issuer: string;
  repository: string;
  commit: string;
  ref: string;
  /** Build config URI (the calling workflow). */
  workflow: string;
  /** Build signer URI (the SAN). */
  signer?: string;
  run?: string;
  runner?: string;
  event?: string;
}

export function certExtensions(c: CertClaims): Extension[] {
  const ext: Extension[] = [
    { oid: OID(1), value: c.issuer, legacy: true },
    { oid: OID(8), value: c.issuer },
    { oid: OID(9), value: c.signer ?? c.workflow },
    { oid: OID(12), value: c.repository },
    { oid: OID(13), value: c.commit },
    { oid: OID(14), value: c.ref },
    { oid: OID(18), value: c.workflow },
  ];
  if (c.runner) ext.push({ oid: OID(11), value: c.runner });
  if (c.event) ext.push({ oid: OID(20), value: c.event });
  if (c.run) ext.push({ oid: OID(21), value: c.run });
  return ext;
}

export function publishStatement(
  name: string,
  version: string,
  sha512: string,
  predicate?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    subject: [{ name: purl(name, version), digest: { sha512 } }],
    predicateType: 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1',
    predicate: predicate ?? { name, version, registry: 'https://registry.npmjs.org' },
  };
}
