/**
 * Verifying the body of `GET /-/npm/v1/attestations/<name>@<version>`: a list of Sigstore bundles,
 * each a DSSE envelope around an in-toto statement about the package tarball.
 *
 * - npm publish attestation (`https://github.com/npm/attestation/tree/main/specs/publish/v0.1`):
 *   signed by the registry key named in the bundle's `publicKey.hint`, logged in Rekor.
 * - SLSA provenance (v0.2 and v1): Sigstore keyless, i.e. a Fulcio certificate chaining to the
 *   trusted root with an SCT, a Rekor entry (inclusion proof or signed entry timestamp) and the
 *   signature; then the certificate's identity must agree with what the predicate claims.
 *
 * The cryptography is @sigstore/verify's (`Verifier`, `toSignedEntity`, `toTrustMaterial`); this module
 * parses untrusted input, drives the verifier, maps its errors to verdict codes, and checks the
 * statement contents. Every bundle in the document must verify, an attestation of any other type fails
 * closed, and provenance must be present. Never throws for anything the document contains.
 */
import type { KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, VerificationError, PolicyError, type SignedEntity } from '@sigstore/verify';
import ssri from 'ssri';
import type { InvalidCode, ProvenanceFacts, TransparencyLogEntry as TlogFact } from '../types';
import { TrustMaterialError, errorMessage } from '../errors';
import { keysFor, keyValidAt, type NpmKey } from '../trust/keys';
import type { TrustedRootJson } from '../trust/load';
import { memoizeBundleCertificate, memoizeTrustMaterial } from '../trust/memo';
import { CertificateExtensionError, readFulcioClaims } from './certificate';
import { transparencyLogLink } from './links';
import { interpretProvenance, SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1 } from './provenance';
import { asRecord } from '../util/guards';

export const NPM_PUBLISH_ATTESTATION_V01 = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const INTOTO_STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']);
const PUBLIC_GOOD_REKOR = 'https://rekor.sigstore.dev';
const MAX_ATTESTATIONS = 16;
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** How far a transparency log's clock may run ahead of ours before its entry's time is refused. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface AttestationInput {
  name: string;
  version: string;
  /** dist.integrity (SRI); its sha512 must equal every statement's subject digest. */
  integrity: string;
  /** Body of GET /-/npm/v1/attestations/<name>@<version> (untrusted). */
  document: unknown;
  /** Sigstore trusted root (protobuf JSON), e.g. `TrustBundle.trustedRoot`. */
  trustedRoot: TrustedRootJson;
  /** The registry's keys (`TrustBundle.npmKeys` or its `/-/npm/v1/keys`). */
  npmKeys: NpmKey[];
  publishTime?: Date;
  /** Self-managed GitLab OIDC issuers (exact https origins) to accept besides gitlab.com. Default none. */
  gitlabIssuers?: readonly string[];
  /** The current time, for refusing log entries integrated in the future (default: the clock). */
  now?: Date;
}

export type AttestationResult =
  | { ok: true; facts: ProvenanceFacts; publishAttestation: boolean; provenance: boolean }
  | { ok: false; code: InvalidCode; message: string };

type Failure = { ok: false; code: InvalidCode; message: string };
const fail = (code: InvalidCode, message: string): Failure => ({ ok: false, code, message });
const q = (s: string): string => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

// ---------------------------------------------------------------------------------------------
// Verifier per trust bundle (built once, reused)

interface VerifyContext {
  verifier: Verifier;
  /** base64 log ids of the public-good Rekor instance(s) in the trusted root. */
  publicGoodLogIds: Set<string>;
}

const contexts = new WeakMap<object, WeakMap<readonly NpmKey[], VerifyContext>>();

/** Registry keys for `publicKey.hint`: usage npm:attestations (or unspecified), valid at each signing time. */
function keyFinder(npmKeys: readonly NpmKey[]) {
  return (hint: string): { publicKey: KeyObject; validFor: (date: Date) => boolean } => {
    const candidates = keysFor(npmKeys, hint, 'npm:attestations');
    if (candidates.length === 0) {
      throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `key not found: ${hint}` });
    }
    const publicKey = candidates[0].publicKey;
    const same = candidates.filter((k) => k.publicKey.equals(publicKey));
    return { publicKey, validFor: (date: Date) => same.some((k) => keyValidAt(k, date)) };
  };
}

function contextFor(trustedRoot: TrustedRootJson, npmKeys: readonly NpmKey[]): VerifyContext {
  let byKeys = contexts.get(trustedRoot);
  if (!byKeys) {
    byKeys = new WeakMap();
    contexts.set(trustedRoot, byKeys);
  }
  let ctx = byKeys.get(npmKeys);
  if (!ctx) {
    let material;
    try {
      // the CA certificates' pure results (DER, keys, root-signs-intermediate) once per process
      material = memoizeTrustMaterial(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot), keyFinder(npmKeys)));
    } catch (err) {
      throw new TrustMaterialError(`the trusted root is unusable: ${errorMessage(err)}`, { cause: err });
    }
    const publicGoodLogIds = new Set(
      material.tlogs.filter((t) => t.baseURL.replace(/\/+$/, '') === PUBLIC_GOOD_REKOR).map((t) => t.logID.toString('base64')),
    );
    ctx = { verifier: new Verifier(material), publicGoodLogIds };
    byKeys.set(npmKeys, ctx);
  }
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Kind = 'publish' | 'provenance';

interface Statement {
  subject: unknown;
  predicateType: string;
  predicate: unknown;
}

interface Parsed {
  ok: true;
  index: number;
  kind: Kind;
  predicateType: string;
  bundle: Bundle;
  entity: SignedEntity;
  statement: Statement;
}

function describe(kind: Kind): string {
  return kind === 'publish' ? 'npm publish attestation' : 'provenance attestation';
}

function parseStatement(payload: Buffer): Statement | string {
  if (payload.length > MAX_PAYLOAD_BYTES) return 'its statement is too large';
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'its statement is not JSON';
  }
  const s = asRecord(value);
  if (!s) return 'its statement is not a JSON object';
  if (typeof s._type !== 'string' || !INTOTO_STATEMENT_TYPES.has(s._type)) return 'its statement is not an in-toto statement';
  if (typeof s.predicateType !== 'string') return 'its statement has no predicate type';
  return { subject: s.subject, predicateType: s.predicateType, predicate: s.predicate };
}

function parseAttestation(entry: unknown, index: number): Parsed | Failure {
  const where = `Attestation ${index + 1}`;
  const e = asRecord(entry);
  if (!e) return fail('malformed-attestation', `${where} is not an object.`);
  if (typeof e.predicateType !== 'string') return fail('malformed-attestation', `${where} has no predicate type.`);
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(e.bundle);
  } catch (err) {
    const fields = (err as { fields?: unknown }).fields;
    const detail =
      Array.isArray(fields) && fields.length > 0 ? `${errorMessage(err)}: ${fields.slice(0, 5).join(', ')}` : errorMessage(err);
    return fail('malformed-attestation', `${where} is not a valid Sigstore bundle (${detail}).`);
  }
  if (bundle.content.$case !== 'dsseEnvelope')
    return fail('malformed-attestation', `${where} does not hold a signed statement (DSSE envelope).`);
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== INTOTO_PAYLOAD_TYPE)
    return fail('malformed-attestation', `${where} has payload type ${q(env.payloadType)}, not an in-toto statement.`);
  const statement = parseStatement(env.payload);
  if (typeof statement === 'string') return fail('malformed-attestation', `${where}: ${statement}.`);
  if (statement.predicateType !== e.predicateType) {
    return fail(
      'malformed-attestation',
      `${where} is listed as ${q(e.predicateType)} but its signed statement is ${q(statement.predicateType)}.`,
    );
  }
  let kind: Kind;
  if (statement.predicateType === NPM_PUBLISH_ATTESTATION_V01) kind = 'publish';
  else if (statement.predicateType === SLSA_PROVENANCE_V1 || statement.predicateType === SLSA_PROVENANCE_V02) kind = 'provenance';
  else {
    return fail(
      'malformed-attestation',
      `${where} is of type ${q(statement.predicateType)}, which this verifier does not know; it cannot be verified, so the attestations are not accepted.`,
    );
  }
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle);
  } catch (err) {
    return fail('malformed-attestation', `The ${describe(kind)} cannot be read (${errorMessage(err)}).`);
  }
  if (kind === 'publish' && entity.key.$case !== 'public-key') {
    return fail('invalid-publish-signature', 'The npm publish attestation is not signed with a registry key.');
  }
  if (kind === 'provenance' && entity.key.$case !== 'certificate') {
    return fail('untrusted-certificate', 'The provenance attestation is not signed with a Sigstore (Fulcio) certificate.');
  }
  if (entity.key.$case === 'certificate') memoizeBundleCertificate(entity.key.certificate);
  return { ok: true, index, kind, predicateType: statement.predicateType, bundle, entity, statement };
}

// ---------------------------------------------------------------------------------------------
// Cryptographic verification and error mapping

function signatureVerifiesWithBundleKey(p: Parsed, npmKeys: readonly NpmKey[]): boolean {
  try {
    let key: KeyObject | undefined;
    if (p.entity.key.$case === 'public-key') key = keysFor(npmKeys, p.entity.key.hint, 'npm:attestations')[0]?.publicKey;
    else key = sigstoreCrypto.createPublicKey(p.entity.key.certificate.publicKey);
    return key ? p.entity.signature.verifySignature(key) : false;
  } catch {
    return false;
  }
}

function classify(err: unknown, p: Parsed, npmKeys: readonly NpmKey[]): Failure {
  const what = describe(p.kind);
  const sigCode: InvalidCode = p.kind === 'publish' ? 'invalid-publish-signature' : 'invalid-provenance-signature';
  const sigMessage =
    p.kind === 'publish'
      ? 'The npm publish attestation does not verify with the registry key that is said to have signed it: its content was altered or the signature is corrupt.'
      : 'The provenance attestation does not verify with its signing certificate: its content was altered or the signature is corrupt.';
  if (err instanceof VerificationError) {
    const detail = errorMessage(err);
    switch (err.code) {
      case 'SIGNATURE_ERROR':
        return fail(sigCode, sigMessage);
      case 'TLOG_BODY_ERROR':
        // The log entry records what was signed; when the envelope no longer verifies, the envelope was altered.
        return signatureVerifiesWithBundleKey(p, npmKeys)
          ? fail('invalid-transparency-log', `The transparency log entry of the ${what} does not match it (${detail}).`)
          : fail(sigCode, sigMessage);
      case 'TLOG_ERROR':
      case 'TLOG_INCLUSION_PROOF_ERROR':
      case 'TLOG_INCLUSION_PROMISE_ERROR':
      case 'TLOG_MISSING_INCLUSION_ERROR':
        return fail('invalid-transparency-log', `The ${what} has no valid transparency log entry (${detail}).`);
      case 'TIMESTAMP_ERROR':
        return fail('invalid-transparency-log', `The ${what} has no verifiable signing time from the transparency log (${detail}).`);
      case 'CERTIFICATE_ERROR':
        return fail(
          'untrusted-certificate',
          `The signing certificate of the ${what} is not trusted: ${detail}${err.cause ? ` (${errorMessage(err.cause)})` : ''}.`,
        );
      case 'PUBLIC_KEY_ERROR': {
        const hint = p.entity.key.$case === 'public-key' ? p.entity.key.hint : '';
        if (keysFor(npmKeys, hint, 'npm:attestations').length === 0) {
          return fail('unknown-registry-key', `The ${what} is signed with registry key ${q(hint)}, which the registry does not publish.`);
        }
        return fail('expired-registry-key', `The ${what} was signed with registry key ${q(hint)} at a time the key was not valid.`);
      }
      default:
        return fail('malformed-attestation', `The ${what} cannot be verified (${detail}).`);
    }
  }
  if (err instanceof PolicyError)
    return fail('identity-mismatch', `The ${what} was signed by an unexpected identity (${errorMessage(err)}).`);
  return fail('malformed-attestation', `The ${what} cannot be verified (${errorMessage(err)}).`);
}

/**
 * A log entry's integratedTime, when its inclusion promise signs it, is the signing time every other
 * check is judged at (certificate validity, registry key validity). @sigstore/verify does not compare it with the clock, so an entry
 * "integrated" later than now (beyond a small clock-skew allowance) is refused here.
 */
function checkIntegratedTimes(p: Parsed, now: number): Failure | undefined {
  for (const entry of p.bundle.verificationMaterial.tlogEntries) {
    const seconds = Number(entry.integratedTime);
    if (!Number.isFinite(seconds) || seconds * 1000 > now + CLOCK_SKEW_MS) {
      const when =
        Number.isFinite(seconds) && Math.abs(seconds) < 8.64e12 ? new Date(seconds * 1000).toISOString() : String(entry.integratedTime);
      return fail(
        'invalid-transparency-log',
        `The transparency log entry of the ${describe(p.kind)} says it was integrated at ${q(when)}, which is in the future.`,
      );
    }
  }
  return undefined;
}

/** Signatures, certificates and log entries of every bundle; the first failure. */
function verifyBundles(parsed: Parsed[], ctx: VerifyContext, input: AttestationInput): Failure | undefined {
  const now = (input.now ?? new Date()).getTime();
  for (const p of parsed) {
    if (p.entity.key.$case === 'public-key' && keysFor(input.npmKeys, p.entity.key.hint, 'npm:attestations').length === 0) {
      return fail(
        'unknown-registry-key',
        `The npm publish attestation is signed with registry key ${q(p.entity.key.hint)}, which is not among the registry's known keys.`,
      );
    }
    try {
      ctx.verifier.verify(p.entity);
    } catch (err) {
      return classify(err, p, input.npmKeys);
    }
    const future = checkIntegratedTimes(p, now);
    if (future) return future;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Statement contents

function expectedPurl(name: string, version: string): string {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;
}

function checkSubject(p: Parsed, input: AttestationInput, sha512Hex: string[]): Failure | undefined {
  const what = describe(p.kind);
  const subjects = p.statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    return fail(
      'subject-name-mismatch',
      `The ${what} must be about exactly one package, but it lists ${Array.isArray(subjects) ? subjects.length : 'no'} subjects.`,
    );
  }
  const s = asRecord(subjects[0]);
  const purl = expectedPurl(input.name, input.version);
  // Real statements encode the scope's "@" as %40 (npm-package-arg's toPurl); only that exact form is accepted.
  if (!s || typeof s.name !== 'string' || s.name !== purl) {
    const got = s && typeof s.name === 'string' ? q(s.name) : 'no name';
    return fail('subject-name-mismatch', `The ${what} is about ${got}, not ${q(purl)}.`);
  }
  const digest = asRecord(s.digest)?.sha512;
  if (typeof digest !== 'string' || !/^[0-9a-fA-F]{128}$/.test(digest)) {
    return fail('subject-digest-mismatch', `The ${what} gives no sha512 digest for the package.`);
  }
  if (sha512Hex.length === 0) {
    return fail(
      'subject-digest-mismatch',
      `The registry's integrity for ${q(`${input.name}@${input.version}`)} has no sha512 digest to compare with the ${what}.`,
    );
  }
  const d = digest.toLowerCase();
  if (!sha512Hex.every((h) => h === d)) {
    return fail(
      'subject-digest-mismatch',
      `The ${what} is about a tarball with a different sha512 than the registry's integrity: the tarball was changed after it was attested.`,
    );
  }
  return undefined;
}

function sha512Digests(integrity: string): string[] {
  try {
    const parsed = ssri.parse(integrity, { strict: true });
    const list = (parsed as unknown as Record<string, { digest: string }[] | undefined>).sha512 ?? [];
    return list.map((h) => Buffer.from(h.digest, 'base64').toString('hex'));
  } catch {
    return [];
  }
}

function checkPublishPredicate(p: Parsed, input: AttestationInput): Failure | undefined {
  const pred = asRecord(p.statement.predicate);
  if (!pred || pred.name !== input.name || pred.version !== input.version) {
    const got =
      pred && typeof pred.name === 'string' && typeof pred.version === 'string' ? q(`${pred.name}@${pred.version}`) : 'no package';
    return fail('predicate-mismatch', `The npm publish attestation names ${got}, not ${q(`${input.name}@${input.version}`)}.`);
  }
  return undefined;
}

function tlogFact(entry: TransparencyLogEntry | undefined, ctx: VerifyContext): TlogFact {
  if (!entry) return { logIndex: '' };
  const fact: TlogFact = { logIndex: String(entry.logIndex) };
  const seconds = Number(entry.integratedTime);
  // Only an inclusion promise (signed entry timestamp) signs integratedTime; with an inclusion proof
  // alone (signing time from an RFC 3161 timestamp) it is a number anyone on the way could rewrite,
  // and it would become the signed publish time the registry keys are judged at.
  if (entry.inclusionPromise && Number.isFinite(seconds) && seconds > 0) fact.integratedTime = new Date(seconds * 1000).toISOString();
  if (ctx.publicGoodLogIds.has(Buffer.from(entry.logId.keyId).toString('base64'))) {
    const url = transparencyLogLink(fact.logIndex);
    if (url) fact.url = url;
  }
  return fact;
}

// ---------------------------------------------------------------------------------------------

/**
 * Verify an attestations document for one package version. Returns the provenance facts only when
 * every bundle verified and every check passed; otherwise the first failure, most severe first
 * (parse → signatures/certificates/log → statement contents → presence of provenance).
 */
export function verifyAttestations(input: AttestationInput): AttestationResult {
  let doc = input.document;
  if (typeof doc === 'string' || Buffer.isBuffer(doc)) {
    try {
      doc = JSON.parse(doc.toString()) as unknown;
    } catch {
      return fail('malformed-attestation', 'The attestations document is not JSON.');
    }
  }
  const list = asRecord(doc)?.attestations;
  if (!Array.isArray(list)) return fail('malformed-attestation', 'The attestations document has no list of attestations.');
  if (list.length === 0) {
    return fail(
      'attestations-missing',
      `The registry advertises attestations for ${q(`${input.name}@${input.version}`)}, but the attestations document is empty.`,
    );
  }
  if (list.length > MAX_ATTESTATIONS) return fail('malformed-attestation', `The attestations document lists ${list.length} attestations.`);

  const parsed: Parsed[] = [];
  for (const [i, entry] of list.entries()) {
    const p = parseAttestation(entry, i);
    if (!p.ok) return p;
    parsed.push(p);
  }

  const ctx = contextFor(input.trustedRoot, input.npmKeys);
  const cryptoFailure = verifyBundles(parsed, ctx, input);
  if (cryptoFailure) return cryptoFailure;

  const sha512Hex = sha512Digests(input.integrity);
  let facts: ProvenanceFacts | undefined;
  let publishAttestation = false;
  for (const p of parsed) {
    const subjectFailure = checkSubject(p, input, sha512Hex);
    if (subjectFailure) return subjectFailure;
    if (p.kind === 'publish') {
      const predicateFailure = checkPublishPredicate(p, input);
      if (predicateFailure) return predicateFailure;
      publishAttestation = true;
      continue;
    }
    if (p.entity.key.$case !== 'certificate')
      return fail('untrusted-certificate', 'The provenance attestation is not signed with a certificate.');
    let cert;
    try {
      cert = readFulcioClaims(p.entity.key.certificate);
    } catch (err) {
      if (err instanceof CertificateExtensionError) {
        return err.code === 'untrusted-certificate'
          ? fail('untrusted-certificate', `The provenance signing certificate is not one a Sigstore CA issues: ${err.message}.`)
          : fail('malformed-attestation', `The provenance signing certificate cannot be read: ${err.message}.`);
      }
      throw err;
    }
    const outcome = interpretProvenance({
      predicateType: p.predicateType,
      predicate: p.statement.predicate,
      cert,
      gitlabIssuers: input.gitlabIssuers ?? [],
      transparencyLog: tlogFact(p.bundle.verificationMaterial.tlogEntries[0], ctx),
      publishTime: input.publishTime,
    });
    if (!outcome.ok) return outcome;
    if (!facts) {
      facts = outcome.facts;
    } else if (facts.sourceRepository !== outcome.facts.sourceRepository || facts.sourceCommit !== outcome.facts.sourceCommit) {
      return fail('identity-mismatch', 'The provenance attestations of this version disagree about its source repository or commit.');
    }
  }

  if (!facts) {
    return fail(
      'attestations-missing',
      `The registry advertises attestations for ${q(`${input.name}@${input.version}`)}, but there is no provenance attestation among them${publishAttestation ? ' (only the npm publish attestation)' : ''}.`,
    );
  }
  return { ok: true, facts, publishAttestation, provenance: true };
}
