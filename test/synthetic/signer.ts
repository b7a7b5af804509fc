/**
 * A synthetic Sigstore for adversarial tests: the same pieces as ./generate.ts (Fulcio-like CA with
 * an embedded-SCT CT log, Rekor-like transparency log, an npm registry key), but every signature is
 * made on request with the certificate, times and statement the test chooses — validly signed
 * content of an attacker's choosing, which only the verifier's own checks can refuse.
 *
 * Nothing here uses the network.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { initializeTSA } from '@sigstore/mock/dist/timestamp/tsa';
import { SeededRandom, npmKeyId } from './der';
import { dsseEnvelope, dsseLogBody, dsseSign, intotoLogBody, isoSeconds, purl } from './dsse';
import {
  createCTLog,
  createCertificateAuthority,
  deriveKeyPair,
  type CertificateAuthority,
  type EcKeyPair,
  type Extension,
  type FulcioExtension,
} from './pki';
import { TransparencyLog } from './tlog';
import {
  BUNDLE_V03_MEDIA_TYPE,
  PUBLISH_PREDICATE_REGISTRY,
  PUBLISH_PREDICATE_TYPE,
  type SigstoreBundleJSON,
  type TrustedRootJSON,
  type TufNpmKeys,
} from './types';

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;

export { purl };

export interface SignedAttestation {
  predicateType: string;
  bundle: SigstoreBundleJSON;
}

export interface ProvenanceSigning {
  /** The in-toto statement (its predicateType is the attestation's). */
  statement: Record<string, unknown>;
  /** The certificate's subjectAltName URI. */
  san: string;
  /** Fulcio extensions, in order (duplicates are kept). */
  extensions: FulcioExtension[];
  /** Extensions added verbatim after the Fulcio ones (a second SAN, ...). */
  rawExtensions?: Extension[];
  /** Leave out the SAN built from `san`. */
  omitSan?: boolean;
  /** Certificate notBefore (default: an hour before the signer's `now`). */
  signedAt?: Date;
  /** The log's integratedTime, Unix seconds (default: 3 s after `signedAt`). */
  integratedTime?: number;
  /**
   * Timestamp the signature with the signer's RFC 3161 timestamp authority (at the real clock) and log
   * the entry with an inclusion proof only (no signed entry timestamp), as logs without inclusion
   * promises do: the entry's integratedTime is then signed by nothing.
   */
  rfc3161Only?: boolean;
}

export interface SyntheticSigner {
  /** The signer's notion of the present (certificates default to an hour before it). */
  now: Date;
  trustedRoot: TrustedRootJSON;
  /** The registry key in the TUF keys.json format (parse with src/verify/trust's parseNpmKeys). */
  npmKeys: TufNpmKeys;
  provenance(req: ProvenanceSigning): Promise<SignedAttestation>;
  /** An npm publish attestation signed by the registry key, integrated at `integratedTime` (default: an hour before now). */
  publish(name: string, version: string, sha512Hex: string, integratedTime?: number): SignedAttestation;
}

/** A private Sigstore (own CA, CT log, transparency log, registry key) from a seed. */
export async function createSyntheticSigner(options: { seed?: string; now?: Date } = {}): Promise<SyntheticSigner> {
  const seed = options.seed ?? 'synthetic-signer';
  const now = options.now ?? new Date();
  const rand = new SeededRandom(seed);
  const trustStart = new Date(Math.floor((now.getTime() - 400 * DAY) / SECOND) * SECOND);
  const ct = createCTLog(seed);
  const ca: CertificateAuthority = await createCertificateAuthority({
    seed,
    label: 'fulcio',
    organization: 'synthetic.sigstore.test',
    notBefore: trustStart,
    notAfter: new Date(now.getTime() + 10 * 365 * DAY),
    ctLog: ct,
  });
  const tlogKey = deriveKeyPair(seed, 'rekor', 'P-256');
  const tlog = new TransparencyLog(
    'rekor.synthetic.test',
    tlogKey.privateKey,
    tlogKey.spki,
    rand,
    rand.digits(18),
    rand.int(100_000_000, 400_000_000),
    rand.int(10, 100),
  );
  const tsaKey = deriveKeyPair(seed, 'tsa', 'P-256');
  const tsa = await initializeTSA({ privateKey: tsaKey.privateKey, publicKey: tsaKey.publicKey });
  // The mock TSA writes genTime with pkijs, which drops trailing zeros of the milliseconds (".05"), while
  // @sigstore/core accepts exactly three fraction digits: a timestamp taken when the milliseconds end in 0
  // would not parse (a 1-in-10 flake). Whole seconds are written without a fraction.
  (tsa as unknown as { getCurrentTime: () => Date }).getCurrentTime = () => new Date(Math.floor(Date.now() / SECOND) * SECOND);
  const tsaStart = new Date(new X509Certificate(tsa.rootCertificate).validFrom);
  const registryKey: EcKeyPair = deriveKeyPair(seed, 'npm/current', 'P-256');
  const keyId = npmKeyId(registryKey.spki);

  const tlogInstance = (url: string, spki: Buffer) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256' as const,
    publicKey: {
      rawBytes: spki.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256' as const,
      validFor: { start: isoSeconds(trustStart.getTime()) },
    },
    logId: { keyId: createHash('sha256').update(spki).digest('base64') },
  });
  const trustedRoot: TrustedRootJSON = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [tlogInstance(tlog.baseUrl, tlog.spki)],
    certificateAuthorities: [
      {
        subject: { organization: 'synthetic.sigstore.test', commonName: 'sigstore' },
        uri: 'https://fulcio.synthetic.test',
        certChain: { certificates: [{ rawBytes: ca.intermediateDer.toString('base64') }, { rawBytes: ca.rootDer.toString('base64') }] },
        validFor: { start: isoSeconds(trustStart.getTime()) },
      },
    ],
    ctlogs: [tlogInstance('https://ctfe.synthetic.test', ct.spki)],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: 'https://timestamp.synthetic.test/api/v1/timestamp',
        certChain: {
          certificates: [{ rawBytes: tsa.intCertificate.toString('base64') }, { rawBytes: tsa.rootCertificate.toString('base64') }],
        },
        validFor: { start: isoSeconds(tsaStart.getTime()) },
      },
    ],
  };
  const npmKeys: TufNpmKeys = {
    keys: (['npm:signatures', 'npm:attestations'] as const).map((keyUsage) => ({
      keyId,
      keyUsage,
      publicKey: {
        rawBytes: registryKey.spki.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256' as const,
        validFor: { start: trustStart.toISOString() },
      },
    })),
  };

  let serial = 0;
  return {
    now,
    trustedRoot,
    npmKeys,
    async provenance(req) {
      const signedAt = req.signedAt ?? new Date(now.getTime() - 3600 * SECOND);
      const leafKey = deriveKeyPair(seed, `leaf/${serial}`, 'P-256');
      const cert = await ca.issueLeaf({
        publicKey: leafKey.spki,
        san: req.san,
        extensions: req.extensions,
        rawExtensions: req.rawExtensions,
        omitSan: req.omitSan,
        notBefore: signedAt,
        serialNumber: `4${(++serial).toString(16).padStart(37, '0')}`,
      });
      const payload = Buffer.from(JSON.stringify(req.statement), 'utf8');
      const signature = dsseSign(leafKey.privateKey, payload);
      const envelope = dsseEnvelope(payload, signature);
      const body = dsseLogBody(envelope, payload, signature, cert);
      const entry = tlog.append('dsse', '0.0.1', body, req.integratedTime ?? Math.floor(signedAt.getTime() / SECOND) + 3);
      const rfc3161Timestamps: { signedTimestamp: string }[] = [];
      if (req.rfc3161Only) {
        delete entry.inclusionPromise;
        const token = await tsa.timestamp({
          artifactHash: createHash('sha256').update(signature).digest(),
          hashAlgorithmOID: '2.16.840.1.101.3.4.2.1',
          nonce: rand.int(1, 1_000_000),
          policyOID: '1.2.3.4',
          certReq: true,
        });
        rfc3161Timestamps.push({ signedTimestamp: token.toString('base64') });
      }
      return {
        predicateType: String(req.statement.predicateType),
        bundle: {
          mediaType: BUNDLE_V03_MEDIA_TYPE,
          verificationMaterial: {
            certificate: { rawBytes: cert.toString('base64') },
            tlogEntries: [entry],
            timestampVerificationData: { rfc3161Timestamps },
          },
          dsseEnvelope: envelope,
        },
      };
    },
    publish(name, version, sha512Hex, integratedTime) {
      const statement = {
        _type: 'https://in-toto.io/Statement/v0.1',
        subject: [{ name: purl(name, version), digest: { sha512: sha512Hex } }],
        predicateType: PUBLISH_PREDICATE_TYPE,
        predicate: { name, version, registry: PUBLISH_PREDICATE_REGISTRY },
      };
      const payload = Buffer.from(JSON.stringify(statement), 'utf8');
      const sig = dsseSign(registryKey.privateKey, payload);
      const envelope = dsseEnvelope(payload, sig, keyId);
      const body = intotoLogBody(envelope, payload, keyId, registryKey.spki, sig);
      const entry = tlog.append('intoto', '0.0.2', body, integratedTime ?? Math.floor(now.getTime() / SECOND) - 3600);
      return {
        predicateType: PUBLISH_PREDICATE_TYPE,
        bundle: {
          mediaType: BUNDLE_V03_MEDIA_TYPE,
          verificationMaterial: { publicKey: { hint: keyId }, tlogEntries: [entry], timestampVerificationData: { rfc3161Timestamps: [] } },
          dsseEnvelope: envelope,
        },
      };
    },
  };
}
