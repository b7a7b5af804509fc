/**
 * verifyAttestations against the registry's real attestation documents (test/fixtures/realworld), with the
 * trust material shipped in @sigstore/tuf's seed, plus tampered copies of those documents.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyAttestations, type AttestationInput, type AttestationResult } from '../../../src/verify/attestations';
import { loadTrustMaterial, type NpmKey, type TrustBundle } from '../../../src/verify/trust';
import { realworld, type RealworldCase } from '../../fixture-registry/realworld';

const data = realworld();
const REALWORLD = data.dir;

type Case = RealworldCase & { predicateTypes: string[] };

const PUBLISH = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
const FACT_FIELDS = ['sourceRepository', 'sourceCommit', 'workflowPath', 'ref', 'runInvocation', 'builder'] as const;

const cases = data.cases as Case[];

function byId(id: string): Case {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`case ${id} is not in cases.json`);
  return c;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tampering reaches into arbitrary bundle fields
type Doc = { attestations: { predicateType: string; bundle: Record<string, any> }[] };

function readDoc(c: Case): Doc {
  return JSON.parse(fs.readFileSync(path.join(REALWORLD, c.attestations), 'utf8')) as Doc;
}

function expectCode(result: AttestationResult, code: string): string {
  if (result.ok) assert.fail(`expected ${code}, but the attestations verified`);
  assert.equal(result.code, code, result.message);
  assert.ok(result.message.length > 20, 'a plain-language message');
  return result.message;
}

function provenanceIndex(doc: Doc): number {
  const i = doc.attestations.findIndex((a) => a.predicateType.startsWith('https://slsa.dev/provenance/'));
  assert.ok(i >= 0);
  return i;
}

function publishIndex(doc: Doc): number {
  const i = doc.attestations.findIndex((a) => a.predicateType === PUBLISH);
  assert.ok(i >= 0);
  return i;
}

function flipBase64Byte(b64: string, at: number): string {
  const buf = Buffer.from(b64, 'base64');
  buf[at] ^= 0x01;
  return buf.toString('base64');
}

describe('attestations: real npm attestation documents', function () {
  let trust: TrustBundle;

  before(async function () {
    trust = await loadTrustMaterial({ refresh: false });
    assert.equal(trust.info.source, 'seed');
  });

  const verify = (c: Case, over: Partial<AttestationInput> = {}): AttestationResult =>
    verifyAttestations({
      name: c.name,
      version: c.version,
      integrity: c.integrity,
      document: readDoc(c),
      trustedRoot: trust.trustedRoot,
      npmKeys: trust.npmKeys,
      ...over,
    });

  describe('every case in cases.json', () => {
    for (const c of cases) {
      if (c.expected === 'verified') {
        it(`${c.id}: verified, with exactly the facts the provenance states`, () => {
          const result = verify(c, { publishTime: new Date('2025-02-01T12:00:00.000Z') });
          if (!result.ok) assert.fail(`${result.code}: ${result.message}`);
          const { facts } = result;
          const picked = Object.fromEntries(FACT_FIELDS.map((k) => [k, facts[k]]));
          assert.deepEqual(picked, c.facts);
          assert.equal(result.provenance, true);
          assert.equal(result.publishAttestation, c.predicateTypes.includes(PUBLISH));
          assert.ok(c.predicateTypes.includes(facts.predicateType) && facts.predicateType.startsWith('https://slsa.dev/provenance/'));
          assert.equal(facts.issuer, 'https://token.actions.githubusercontent.com');
          assert.ok(facts.signerIdentity?.startsWith('https://github.com/'), facts.signerIdentity);
          assert.equal(facts.publishTime, '2025-02-01T12:00:00.000Z');
          if (facts.builder.startsWith('https://github.com/actions/runner/')) {
            assert.equal(facts.builderKind, facts.builder.slice('https://github.com/actions/runner/'.length));
          }
          const repo = c.facts!.sourceRepository;
          const sha = c.facts!.sourceCommit;
          assert.equal(facts.links.repository, repo);
          assert.equal(facts.links.commit, `${repo}/commit/${sha}`);
          assert.ok(facts.links.workflow?.startsWith(`${repo}/blob/${sha}/.github/workflows/`), facts.links.workflow);
          assert.equal(facts.links.run, c.facts!.runInvocation);
          const tlog = facts.transparencyLog;
          assert.match(tlog.logIndex, /^\d+$/);
          assert.equal(tlog.url, `https://search.sigstore.dev/?logIndex=${tlog.logIndex}`);
          assert.equal(facts.links.transparencyLog, tlog.url);
          assert.ok(tlog.integratedTime && Date.parse(tlog.integratedTime) > Date.parse('2023-01-01'), tlog.integratedTime);
        });
      } else {
        it(`${c.id}: invalid, ${c.expected}`, () => {
          expectCode(verify(c), c.expected);
        });
      }
    }

    it('v0.2 facts take the workflow from the entry point and the run from the signed environment', () => {
      const result = verify(byId('sigstore-1.0.0'));
      assert.ok(result.ok);
      assert.equal(result.facts.workflowPath, 'sigstore/sigstore-js/.github/workflows/publish.yml@refs/tags/v1.0.0');
      assert.equal(
        result.facts.links.workflow,
        'https://github.com/sigstore/sigstore-js/blob/06528997c3c8ab9f864fad9a3658446aca7fd86d/.github/workflows/publish.yml',
      );
      assert.equal(result.facts.triggerEvent, 'release');
      // This 2023 certificate predates the runner-environment extension.
      assert.equal(result.facts.builderKind, 'unknown');
    });

    it('hosted or self-hosted comes from the certificate’s runner environment, whatever the builder id says', () => {
      // npm's v0.2 layout names the builder "https://github.com/actions/runner" (no suffix): the certificate says github-hosted.
      for (const id of ['supreme-googles-cli-v02-tag', 'provenance-npm-test-cli-v02-prega']) {
        const result = verify(byId(id));
        assert.ok(result.ok);
        assert.equal(result.facts.builder, 'https://github.com/actions/runner');
        assert.equal(result.facts.builderKind, 'github-hosted', id);
      }
    });

    it('a reusable-workflow build (slsa-github-generator) reports the caller’s source and the generator as signer', () => {
      const result = verify(byId('provenance-npm-test-ossf'));
      assert.ok(result.ok);
      assert.match(
        result.facts.signerIdentity ?? '',
        /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\/\.github\/workflows\//,
      );
      assert.equal(result.facts.sourceRepository, 'https://github.com/laurentsimon/provenance-npm-test');
      assert.equal(result.facts.builderKind, 'github-hosted');
    });
  });

  describe('tampering with real documents', () => {
    const gundam = (): Case => byId('gundam-visor-cli-v1-tag');
    const scoped = (): Case => byId('provenance-npm-test-cli-v02-prega');

    it('another name or version than the statement’s subject is subject-name-mismatch', () => {
      expectCode(verify(gundam(), { name: 'gundam-visor2' }), 'subject-name-mismatch');
      expectCode(verify(gundam(), { version: '1.0.2' }), 'subject-name-mismatch');
      expectCode(verify(scoped(), { name: 'provenance-npm-test' }), 'subject-name-mismatch');
      expectCode(verify(scoped(), { name: '@laurentsimon/provenance-npm-tes' }), 'subject-name-mismatch');
    });

    it('a different integrity is subject-digest-mismatch', () => {
      expectCode(verify(gundam(), { integrity: byId('sigstore-1.0.0').integrity }), 'subject-digest-mismatch');
      expectCode(verify(gundam(), { integrity: 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=' }), 'subject-digest-mismatch');
      expectCode(verify(gundam(), { integrity: 'not an SRI' }), 'subject-digest-mismatch');
    });

    it('a document without provenance is attestations-missing', () => {
      const doc = readDoc(gundam());
      doc.attestations.splice(provenanceIndex(doc), 1);
      const msg = expectCode(verify(gundam(), { document: doc }), 'attestations-missing');
      assert.match(msg, /only the npm publish attestation/);
      expectCode(verify(gundam(), { document: { attestations: [] } }), 'attestations-missing');
    });

    it('garbage is malformed-attestation, never a crash', () => {
      const c = gundam();
      const good = readDoc(c);
      const garbage: unknown[] = [
        null,
        42,
        'not json',
        [],
        {},
        { attestations: 'x' },
        { attestations: [null] },
        { attestations: [{}] },
        { attestations: [{ predicateType: PUBLISH, bundle: {} }] },
        { attestations: [{ predicateType: PUBLISH, bundle: { ...good.attestations[0].bundle, mediaType: 'application/json' } }] },
        {
          attestations: [
            {
              predicateType: PUBLISH,
              bundle: { ...good.attestations[0].bundle, dsseEnvelope: { payload: '%%%', payloadType: 'x', signatures: [] } },
            },
          ],
        },
        { attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', bundle: good.attestations[0].bundle }] },
      ];
      for (const document of garbage) {
        expectCode(verify(c, { document }), 'malformed-attestation');
      }
    });

    it('accepts the document as JSON text too', () => {
      const c = gundam();
      const result = verify(c, { document: fs.readFileSync(path.join(REALWORLD, c.attestations), 'utf8') });
      assert.ok(result.ok);
    });

    it('without the registry’s attestation key the publish attestation cannot verify: unknown-registry-key', () => {
      const msg = expectCode(verify(gundam(), { npmKeys: [] }), 'unknown-registry-key');
      assert.match(msg, /SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA/);
      const signaturesOnly = trust.npmKeys.filter((k) => k.usage === 'npm:signatures');
      expectCode(verify(gundam(), { npmKeys: signaturesOnly }), 'unknown-registry-key');
    });

    it('a registry key that was not valid when the publish attestation was logged is expired-registry-key', () => {
      const c = byId('nuxt-4.1.2'); // signed by SHA256:DhQ8… in September 2025
      const keys: NpmKey[] = trust.npmKeys.map((k) =>
        k.keyId.startsWith('SHA256:DhQ8') ? { ...k, validUntil: new Date('2025-06-01T00:00:00Z') } : k,
      );
      expectCode(verify(c, { npmKeys: keys }), 'expired-registry-key');
      // The old key (expired 2025-01-29) cannot stand in for it: a wrong key is an unknown key.
      const oldOnly = trust.npmKeys.filter((k) => !k.keyId.startsWith('SHA256:DhQ8'));
      expectCode(verify(c, { npmKeys: oldOnly }), 'unknown-registry-key');
    });

    it('a flipped byte in an envelope signature is an invalid signature, for either attestation', () => {
      const c = gundam();
      const doc = readDoc(c);
      const env = doc.attestations[provenanceIndex(doc)].bundle.dsseEnvelope;
      env.signatures[0].sig = flipBase64Byte(env.signatures[0].sig, 20);
      expectCode(verify(c, { document: doc }), 'invalid-provenance-signature');

      const doc2 = readDoc(c);
      const env2 = doc2.attestations[publishIndex(doc2)].bundle.dsseEnvelope;
      env2.signatures[0].sig = flipBase64Byte(env2.signatures[0].sig, 20);
      expectCode(verify(c, { document: doc2 }), 'invalid-publish-signature');
    });

    it('an edited statement (the commit changed) is an invalid provenance signature', () => {
      const c = gundam();
      const doc = readDoc(c);
      const env = doc.attestations[provenanceIndex(doc)].bundle.dsseEnvelope;
      const statement = Buffer.from(env.payload, 'base64').toString('utf8');
      const commit = c.facts!.sourceCommit;
      assert.ok(statement.includes(commit));
      env.payload = Buffer.from(statement.split(commit).join('f'.repeat(40))).toString('base64');
      expectCode(verify(c, { document: doc }), 'invalid-provenance-signature');
    });

    it('a tampered transparency log entry is invalid-transparency-log', () => {
      const c = gundam();
      const doc = readDoc(c);
      const entry = doc.attestations[provenanceIndex(doc)].bundle.verificationMaterial.tlogEntries[0];
      entry.inclusionPromise.signedEntryTimestamp = flipBase64Byte(entry.inclusionPromise.signedEntryTimestamp, 30);
      expectCode(verify(c, { document: doc }), 'invalid-transparency-log');

      const doc2 = readDoc(c);
      const entry2 = doc2.attestations[provenanceIndex(doc2)].bundle.verificationMaterial.tlogEntries[0];
      entry2.logIndex = String(Number(entry2.logIndex) + 1);
      expectCode(verify(c, { document: doc2 }), 'invalid-transparency-log');
    });

    it('a certificate taken from another provenance is untrusted at this entry’s time', () => {
      const c = gundam();
      const doc = readDoc(c);
      const other = readDoc(byId('nuxt-3.13.0'));
      const otherCert = other.attestations[provenanceIndex(other)].bundle.verificationMaterial.x509CertificateChain;
      doc.attestations[provenanceIndex(doc)].bundle.verificationMaterial.x509CertificateChain = otherCert;
      expectCode(verify(c, { document: doc }), 'untrusted-certificate');
    });

    it('a trusted root without the Fulcio CAs or without Rekor rejects the provenance', () => {
      const noCAs = { ...trust.trustedRoot, certificateAuthorities: [] };
      expectCode(verify(gundam(), { trustedRoot: noCAs }), 'untrusted-certificate');
      const noLogs = { ...trust.trustedRoot, tlogs: [] };
      expectCode(verify(gundam(), { trustedRoot: noLogs }), 'invalid-transparency-log');
    });

    it('a listed predicate type that differs from the signed statement’s is malformed-attestation', () => {
      const c = gundam();
      const doc = readDoc(c);
      doc.attestations[provenanceIndex(doc)].predicateType = 'https://slsa.dev/provenance/v0.2';
      expectCode(verify(c, { document: doc }), 'malformed-attestation');
    });

    it('the same provenance twice still verifies (they agree)', () => {
      const c = gundam();
      const doc = readDoc(c);
      doc.attestations.push(readDoc(c).attestations[provenanceIndex(doc)]);
      assert.ok(verify(c, { document: doc }).ok);
    });

    it('two provenances of different builds do not verify together', () => {
      // Both are real, verified provenance statements, but about different packages.
      const c = gundam();
      const doc = readDoc(c);
      const other = readDoc(byId('nuxt-3.13.0'));
      doc.attestations.push(other.attestations[provenanceIndex(other)]);
      expectCode(verify(c, { document: doc }), 'subject-name-mismatch');
    });
  });
});
