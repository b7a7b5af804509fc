/**
 * The synthetic provenance data is genuine: every bundle meant to verify passes @sigstore/verify
 * against the generated trusted root and npm keys, every deliberate failure fails in the intended
 * way, registry signatures verify (or not) with node:crypto exactly as `expected` says, and the
 * tarballs are real.
 */
import { strict as assert } from 'node:assert';
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, VerificationError, toSignedEntity, toTrustMaterial, type KeyFinderFunc } from '@sigstore/verify';
import { npmKeyId } from '../../synthetic/der';
import {
  BUILDKITE_ISSUER,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  GITHUB_ACTIONS_ISSUER,
  GITLAB_ISSUER,
  PUBLISH_PREDICATE_TYPE,
  SLSA_PROVENANCE_V02,
  SLSA_PROVENANCE_V1,
  SYNTHETIC_REGISTRY,
  generateSyntheticData,
  loadSyntheticFixtures,
  purl,
  toFixturePackages,
  writeSyntheticFixtures,
  type SigstoreBundleJSON,
  type SigstoreOutcome,
  type SyntheticCase,
  type SyntheticData,
} from '../../synthetic/generate';
import { readTarball } from '../../synthetic/tar';

const OID = (n: number): string => `1.3.6.1.4.1.57264.1.${n}`;

interface Statement {
  _type: string;
  subject: { name: string; digest: { sha512: string } }[];
  predicateType: string;
  predicate: Record<string, unknown> & {
    name?: string;
    version?: string;
    builder?: { id: string };
    runDetails?: { builder: { id: string } };
    buildDefinition?: { externalParameters: { workflow: { repository: string } } };
  };
}

function statementOf(bundle: SigstoreBundleJSON): Statement {
  return JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement;
}

function certificateOf(bundle: SigstoreBundleJSON): X509Certificate {
  const raw = bundle.verificationMaterial.certificate?.rawBytes;
  assert.ok(raw, 'bundle has a certificate');
  return X509Certificate.parse(Buffer.from(raw, 'base64'));
}

/** A Fulcio extension's string value (raw for .1–.6, DER UTF8String for .8 and up). */
function certExtension(cert: X509Certificate, n: number): string | undefined {
  const ext = cert.extension(OID(n));
  if (!ext) return undefined;
  return (n <= 6 ? ext.value : ext.valueObj.subs[0]!.value).toString('utf8');
}

function sha512Hex(integrity: string): string {
  return Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');
}

function byId(data: SyntheticData, id: string): SyntheticCase {
  const c = data.packages.find((p) => p.id === id);
  assert.ok(c, `case ${id} exists`);
  return c;
}

function bundles(c: SyntheticCase): { kind: 'publish' | 'provenance'; predicateType: string; bundle: SigstoreBundleJSON }[] {
  return (c.attestations?.attestations ?? []).map((a) => ({
    kind: a.predicateType === PUBLISH_PREDICATE_TYPE ? ('publish' as const) : ('provenance' as const),
    predicateType: a.predicateType,
    bundle: a.bundle,
  }));
}

/** @sigstore/verify's verdict on one bundle, as a SigstoreOutcome (plus the error, for details). */
function outcomeOf(
  verifier: Verifier,
  bundle: SigstoreBundleJSON,
  policy?: Parameters<Verifier['verify']>[1],
): { outcome: SigstoreOutcome | string; error?: unknown } {
  let entity;
  try {
    entity = toSignedEntity(bundleFromJSON(bundle));
  } catch (error) {
    return { outcome: 'malformed', error };
  }
  try {
    verifier.verify(entity, policy);
    return { outcome: 'valid' };
  } catch (error) {
    return { outcome: error instanceof VerificationError ? error.code : String(error), error };
  }
}

describe('synthetic provenance data (test/synthetic)', function () {
  let data: SyntheticData;
  let elapsedMs: number;
  let verifier: Verifier;
  /** npm keys by id, from the TUF-format key list, per usage. */
  const npmKey = (usage: 'npm:signatures' | 'npm:attestations', keyId: string) =>
    data.npmKeys.keys.find((k) => k.keyId === keyId && k.keyUsage === usage);

  before(async function () {
    const started = Date.now();
    data = await generateSyntheticData({ seed: 'provenance-lens-unit' });
    elapsedMs = Date.now() - started;
    const keyFinder: KeyFinderFunc = (hint) => {
      const k = npmKey('npm:attestations', hint);
      if (!k) throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `key not found: ${hint}` });
      const start = new Date(k.publicKey.validFor.start);
      const end = k.publicKey.validFor.end ? new Date(k.publicKey.validFor.end) : undefined;
      return {
        publicKey: createPublicKey({ key: Buffer.from(k.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' }),
        validFor: (date: Date) => start <= date && (!end || date < end),
      };
    };
    verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(data.trustedRoot), keyFinder));
  });

  it('is generated in-process, quickly, without loading nock', function () {
    // The brief asks for < 2 s; the bound here leaves room for a loaded CI machine.
    assert.ok(elapsedMs < 5000, `generation took ${elapsedMs} ms`);
    // Nothing the generator requires (transitively) is nock: no HTTP interception can leak into other
    // tests. (Other suites in the same process may load nock themselves, so walk our own module graph.)
    const root = require.cache[require.resolve('../../synthetic/generate')];
    assert.ok(root);
    const seen = new Set<NodeModule>();
    const stack: NodeModule[] = [root];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      assert.doesNotMatch(m.filename, /[\\/]node_modules[\\/]nock[\\/]/, 'the generator must not load nock');
      stack.push(...m.children);
    }
    assert.ok(seen.size > 10, 'the module graph was walked');
  });

  describe('trust material', function () {
    it('is a Sigstore TrustedRoot with a CA chain, a transparency log, a CT log and a TSA', function () {
      const root = TrustedRoot.fromJSON(data.trustedRoot);
      assert.equal(data.trustedRoot.mediaType, 'application/vnd.dev.sigstore.trustedroot+json;version=0.1');
      assert.equal(root.certificateAuthorities.length, 1);
      assert.equal(root.certificateAuthorities[0]!.certChain!.certificates.length, 2);
      assert.equal(root.tlogs.length, 1);
      assert.equal(root.ctlogs.length, 1);
      assert.equal(root.timestampAuthorities.length, 1);
      for (const t of [...data.trustedRoot.tlogs, ...data.trustedRoot.ctlogs]) {
        const spki = Buffer.from(t.publicKey.rawBytes, 'base64');
        assert.equal(t.logId.keyId, createHash('sha256').update(spki).digest('base64'), 'log id = sha256(SPKI)');
        assert.ok(!Number.isNaN(Date.parse(t.publicKey.validFor.start)));
      }
    });

    it('has a root → intermediate chain (intermediate first, as in the public-good root)', function () {
      const [intDer, rootDer] = data.trustedRoot.certificateAuthorities[0]!.certChain.certificates.map((c) =>
        Buffer.from(c.rawBytes, 'base64'),
      );
      const root = X509Certificate.parse(rootDer!);
      const intermediate = X509Certificate.parse(intDer!);
      assert.ok(root.isCA && intermediate.isCA);
      assert.ok(root.verify(), 'root is self-signed');
      assert.ok(intermediate.verify(root), 'intermediate is signed by the root');
      assert.equal(intermediate.verify(intermediate), false);
    });

    it('computes npm key ids as npm does (OpenSSH SHA256 fingerprint), checked on the real registry key', function () {
      const realSpki = Buffer.from(
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEY6Ya7W++7aUPzvMTrezH6Ycx3c+HOKYCcNGybJZSCJq/fd7Qa8uuAKtdIkUQtQiEKERhAmE5lMMJhP8OkDOa2g==',
        'base64',
      );
      assert.equal(npmKeyId(realSpki), 'SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U');
      for (const k of data.npmKeys.keys) {
        assert.match(k.keyId, /^SHA256:[A-Za-z0-9+/]{43}$/);
        assert.equal(k.keyId, npmKeyId(Buffer.from(k.publicKey.rawBytes, 'base64')));
        assert.equal(k.publicKey.keyDetails, 'PKIX_ECDSA_P256_SHA_256');
      }
    });

    it('publishes the same keys in the TUF keys.json and /-/npm/v1/keys formats', function () {
      const { current, expired, unknown } = data.keyIds;
      assert.deepEqual(new Set(data.npmKeys.keys.map((k) => k.keyId)), new Set([current, expired]));
      for (const id of [current, expired]) {
        assert.ok(npmKey('npm:signatures', id) && npmKey('npm:attestations', id), `${id} listed for both usages`);
      }
      assert.equal(
        data.npmKeys.keys.some((k) => k.keyId === unknown),
        false,
      );
      assert.equal(data.registryKeys.keys.length, 2);
      for (const k of data.registryKeys.keys) {
        assert.equal(k.keytype, 'ecdsa-sha2-nistp256');
        assert.equal(k.scheme, 'ecdsa-sha2-nistp256');
        const tuf = npmKey('npm:signatures', k.keyid);
        assert.ok(tuf);
        assert.equal(k.key, tuf.publicKey.rawBytes);
        assert.equal(k.expires, tuf.publicKey.validFor.end ?? null);
      }
      assert.equal(npmKey('npm:signatures', current)!.publicKey.validFor.end, undefined, 'the active key does not expire');
      const end = Date.parse(npmKey('npm:signatures', expired)!.publicKey.validFor.end!);
      for (const c of data.packages) assert.ok(end < Date.parse(c.time), `expired key ended before ${c.id} was published`);
    });
  });

  describe('packages', function () {
    it('covers every scenario, with unique ids and name@version', function () {
      const ids = data.packages.map((c) => c.id);
      assert.equal(new Set(ids).size, ids.length);
      const specs = data.packages.map((c) => `${c.name}@${c.version}`);
      assert.equal(new Set(specs).size, specs.length);
      for (const id of [
        'github-hosted-verified',
        'scoped-verified',
        'no-provenance',
        'attestations-404',
        'subject-digest-mismatch',
        'subject-name-mismatch',
        'foreign-attestations',
        'unknown-registry-key',
        'expired-registry-key',
        'invalid-registry-signature',
        'untrusted-ca',
        'gitlab-verified',
        'self-hosted-verified',
        'identity-mismatch',
        'invalid-provenance-signature',
        'evolving-1.0.0',
        'evolving-1.1.0',
        'evolving-1.2.0',
        'evolving-2.0.0',
      ]) {
        byId(data, id);
      }
    });

    it('ships real tarballs whose sha512 is dist.integrity', function () {
      for (const c of data.packages) {
        const digest = createHash('sha512').update(c.tarball).digest('base64');
        assert.equal(c.integrity, `sha512-${digest}`, c.id);
        assert.equal(c.versionDoc.dist.integrity, c.integrity);
        assert.equal(c.versionDoc.dist.shasum, createHash('sha1').update(c.tarball).digest('hex'));
        const files = readTarball(c.tarball);
        const manifest = JSON.parse(files.get('package/package.json')!.toString('utf8')) as { name: string; version: string };
        assert.equal(manifest.name, c.name);
        assert.equal(manifest.version, c.version);
        assert.ok(files.has('package/index.js'));
        assert.equal(c.versionDoc.dist.fileCount, files.size);
      }
      assert.equal(new Set(data.packages.map((c) => c.integrity)).size, data.packages.length, 'every tarball differs');
    });

    it('has version documents and expectations of the right shape', function () {
      for (const c of data.packages) {
        const doc = c.versionDoc;
        assert.equal(doc.name, c.name);
        assert.equal(doc.version, c.version);
        assert.ok(doc.dist.tarball.startsWith(`${SYNTHETIC_REGISTRY}/${c.name}/-/`) && doc.dist.tarball.endsWith(`-${c.version}.tgz`));
        assert.equal(new Date(c.time).toISOString(), c.time);
        const e = c.expected;
        assert.ok(e.registrySignature, `${c.id}: registry signature status`);
        if (e.status === 'verified') {
          assert.equal(e.code, undefined);
          assert.ok(e.facts?.sourceRepository && e.facts.sourceCommit && e.facts.builder && e.facts.issuer, `${c.id}: facts`);
        } else if (e.status === 'invalid') {
          assert.ok(e.code, `${c.id}: invalid needs a code`);
          assert.equal(e.facts, undefined);
        } else {
          assert.equal(e.code, undefined);
          assert.equal(e.facts, undefined);
        }
        if (doc.dist.attestations) {
          const escaped = c.name.replace('/', '%2f');
          assert.equal(doc.dist.attestations.url, `${SYNTHETIC_REGISTRY}/-/npm/v1/attestations/${escaped}@${c.version}`);
        }
      }
    });

    it('advertises attestations exactly where the endpoint is meant to be asked', function () {
      for (const c of data.packages) {
        const advertised = c.versionDoc.dist.attestations !== undefined;
        if (c.expected.status === 'no-provenance' || c.id === 'unknown-registry-key' || c.id === 'expired-registry-key') {
          assert.equal(advertised, false, c.id);
          assert.equal(c.attestations, null, c.id);
        } else {
          assert.equal(advertised, true, c.id);
        }
        if (c.attestations) {
          const provenance = bundles(c).find((b) => b.kind === 'provenance');
          assert.ok(provenance, `${c.id} serves a provenance attestation`);
          assert.equal(c.versionDoc.dist.attestations?.provenance.predicateType, provenance.predicateType);
        }
      }
      assert.equal(byId(data, 'attestations-404').attestations, null);
    });
  });

  describe('Sigstore bundles against the synthetic trusted root', function () {
    it('verify, or fail, exactly as each case says', function () {
      for (const c of data.packages) {
        const served = bundles(c);
        assert.deepEqual(served.map((b) => b.kind).sort(), Object.keys(c.sigstore).sort(), `${c.id}: bundles served`);
        for (const b of served) {
          const { outcome, error } = outcomeOf(verifier, b.bundle);
          assert.equal(outcome, c.sigstore[b.kind], `${c.id} ${b.kind}: ${error instanceof Error ? error.message : ''}`);
        }
      }
    });

    it('are v0.3 bundles (the publish attestation as v0.2 where the case says so)', function () {
      for (const c of data.packages) {
        for (const b of bundles(c)) {
          if (b.kind === 'provenance') {
            assert.equal(b.bundle.mediaType, BUNDLE_V03_MEDIA_TYPE);
          } else {
            // foreign-attestations serves synth-basic's publish attestation (v0.3).
            const v02 = ['scoped-verified', 'gitlab-verified', 'evolving-1.0.0'].includes(c.id);
            assert.equal(b.bundle.mediaType, v02 ? BUNDLE_V02_MEDIA_TYPE : BUNDLE_V03_MEDIA_TYPE, c.id);
            assert.ok(b.bundle.verificationMaterial.publicKey?.hint);
            assert.equal(b.bundle.dsseEnvelope.signatures[0]!.keyid, b.bundle.verificationMaterial.publicKey.hint);
          }
        }
      }
    });

    it('carry signer identities that satisfy a policy on the expected facts (verified cases)', function () {
      for (const c of data.packages.filter((p) => p.expected.status === 'verified')) {
        const facts = c.expected.facts!;
        const prov = bundles(c).find((b) => b.kind === 'provenance')!;
        const { outcome, error } = outcomeOf(verifier, prov.bundle, {
          subjectAlternativeName: facts.signerIdentity!,
          extensions: { issuer: facts.issuer! },
        });
        assert.equal(outcome, 'valid', `${c.id}: ${error instanceof Error ? error.message : ''}`);
        const wrong = outcomeOf(verifier, prov.bundle, {
          subjectAlternativeName: 'https://github.com/someone/else/.github/workflows/x.yml@refs/heads/main',
        });
        assert.notEqual(wrong.outcome, 'valid');
      }
    });

    it('state the right subjects and match their certificates (verified cases)', function () {
      for (const c of data.packages.filter((p) => p.expected.status === 'verified')) {
        const facts = c.expected.facts!;
        for (const b of bundles(c)) {
          const st = statementOf(b.bundle);
          assert.deepEqual(
            st.subject,
            [{ name: purl(c.name, c.version), digest: { sha512: sha512Hex(c.integrity) } }],
            `${c.id} ${b.kind}`,
          );
          assert.equal(st.predicateType, b.predicateType);
        }
        const prov = bundles(c).find((b) => b.kind === 'provenance')!;
        const cert = certificateOf(prov.bundle);
        assert.equal(cert.subjectAltName, facts.signerIdentity);
        assert.equal(certExtension(cert, 8), facts.issuer);
        assert.equal(certExtension(cert, 1), facts.issuer, 'legacy issuer extension too');
        assert.equal(certExtension(cert, 12), facts.sourceRepository);
        assert.equal(certExtension(cert, 13), facts.sourceCommit);
        assert.equal(certExtension(cert, 14), facts.ref);
        assert.equal(certExtension(cert, 21), facts.runInvocation);
        assert.equal(certExtension(cert, 20), facts.triggerEvent);
        assert.equal(certExtension(cert, 9), facts.signerIdentity, 'build signer URI');
        assert.ok(cert.extSCT, 'an SCT is embedded');
        const entry = prov.bundle.verificationMaterial.tlogEntries[0]!;
        assert.deepEqual(facts.transparencyLog, {
          logIndex: entry.logIndex,
          integratedTime: new Date(Number(entry.integratedTime) * 1000).toISOString(),
        });
        assert.equal(facts.publishTime, c.time);
        assert.ok(
          cert.notBefore.getTime() <= Number(entry.integratedTime) * 1000 && Number(entry.integratedTime) * 1000 <= cert.notAfter.getTime(),
        );
      }
    });

    it('have Rekor-like log entries: real inclusion proofs, sharded global indexes, signed checkpoints', function () {
      const tlogHost = new URL(data.trustedRoot.tlogs[0]!.baseUrl).host;
      const indexes = new Set<string>();
      for (const c of data.packages.filter((p) => p.id !== 'foreign-attestations')) {
        for (const b of bundles(c)) {
          for (const e of b.bundle.verificationMaterial.tlogEntries) {
            assert.equal(e.logId.keyId, data.trustedRoot.tlogs[0]!.logId.keyId);
            assert.ok(e.inclusionProof.hashes.length > 0);
            assert.notEqual(e.inclusionProof.logIndex, e.logIndex);
            assert.ok(Number(e.inclusionProof.logIndex) < Number(e.inclusionProof.treeSize));
            assert.ok(e.inclusionProof.checkpoint.envelope.startsWith(`${tlogHost} - `));
            assert.deepEqual(
              e.kindVersion,
              b.kind === 'publish' ? { kind: 'intoto', version: '0.0.2' } : { kind: 'dsse', version: '0.0.1' },
            );
            assert.ok(!indexes.has(e.logIndex), 'log indexes are unique');
            indexes.add(e.logIndex);
          }
        }
      }
    });
  });

  describe('deliberate failures', function () {
    it('untrusted-ca: the certificate chain does not reach the trusted root (the SCT and log entry are fine)', function () {
      const c = byId(data, 'untrusted-ca');
      const prov = bundles(c).find((b) => b.kind === 'provenance')!;
      const { outcome, error } = outcomeOf(verifier, prov.bundle);
      assert.equal(outcome, 'CERTIFICATE_ERROR');
      assert.match((error as Error).message, /certificate chain/);
      assert.match(String((error as { cause?: Error }).cause?.message), /no valid certificate path/);
      // The look-alike CA uses the same names as the trusted one.
      const cert = certificateOf(prov.bundle);
      const trustedInt = X509Certificate.parse(
        Buffer.from(data.trustedRoot.certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes, 'base64'),
      );
      assert.ok(cert.issuer.equals(trustedInt.subject));
      assert.equal(cert.verify(trustedInt), false);
    });

    it('invalid-provenance-signature / invalid-publish-signature: only the signature fails', function () {
      const prov = bundles(byId(data, 'invalid-provenance-signature')).find((b) => b.kind === 'provenance')!;
      assert.equal(outcomeOf(verifier, prov.bundle).outcome, 'SIGNATURE_ERROR');
      const pub = bundles(byId(data, 'invalid-publish-signature')).find((b) => b.kind === 'publish')!;
      assert.equal(outcomeOf(verifier, pub.bundle).outcome, 'SIGNATURE_ERROR');
    });

    it('invalid-transparency-log: the inclusion proof no longer leads to the checkpoint root', function () {
      const prov = bundles(byId(data, 'invalid-transparency-log')).find((b) => b.kind === 'provenance')!;
      const { outcome, error } = outcomeOf(verifier, prov.bundle);
      assert.equal(outcome, 'TLOG_INCLUSION_PROOF_ERROR');
      assert.match((error as Error).message, /root hash/);
    });

    it('publish-unknown-key: the publish attestation names a key the registry does not publish', function () {
      const c = byId(data, 'publish-unknown-key');
      const pub = bundles(c).find((b) => b.kind === 'publish')!;
      assert.equal(pub.bundle.verificationMaterial.publicKey?.hint, data.keyIds.unknown);
      assert.equal(outcomeOf(verifier, pub.bundle).outcome, 'PUBLIC_KEY_ERROR');
    });

    it('malformed-attestation: the provenance bundle cannot be loaded', function () {
      const prov = bundles(byId(data, 'malformed-attestation')).find((b) => b.kind === 'provenance')!;
      assert.throws(() => bundleFromJSON(prov.bundle));
    });

    it('statement-level failures are genuine statements with the intended defect', function () {
      const provOf = (id: string) => statementOf(bundles(byId(data, id)).find((b) => b.kind === 'provenance')!.bundle);
      const pubOf = (id: string) => statementOf(bundles(byId(data, id)).find((b) => b.kind === 'publish')!.bundle);

      for (const id of ['subject-digest-mismatch', 'evolving-2.1.0']) {
        const c = byId(data, id);
        assert.equal(provOf(id).subject[0]!.name, purl(c.name, c.version));
        assert.notEqual(provOf(id).subject[0]!.digest.sha512, sha512Hex(c.integrity));
        assert.equal(pubOf(id).subject[0]!.digest.sha512, sha512Hex(c.integrity));
      }

      const nm = byId(data, 'subject-name-mismatch');
      assert.equal(provOf(nm.id).subject[0]!.name, 'pkg:npm/synth-impostor@1.0.0');
      assert.equal(provOf(nm.id).subject[0]!.digest.sha512, sha512Hex(nm.integrity));
      assert.equal(pubOf(nm.id).subject[0]!.name, purl(nm.name, nm.version));

      assert.deepEqual(byId(data, 'foreign-attestations').attestations, byId(data, 'github-hosted-verified').attestations);

      const pm = pubOf('predicate-mismatch');
      assert.equal(pm.subject[0]!.name, 'pkg:npm/synth-predicate@1.0.0');
      assert.equal(pm.predicate.version, '9.9.9');

      const idm = bundles(byId(data, 'identity-mismatch')).find((b) => b.kind === 'provenance')!.bundle;
      assert.equal(
        statementOf(idm).predicate.buildDefinition!.externalParameters.workflow.repository,
        'https://github.com/synth-org/synth-identity',
      );
      assert.equal(certExtension(certificateOf(idm), 12), 'https://github.com/synth-evil/synth-identity');

      const bk = bundles(byId(data, 'unsupported-issuer')).find((b) => b.kind === 'provenance')!.bundle;
      assert.equal(certExtension(certificateOf(bk), 8), BUILDKITE_ISSUER);
    });
  });

  describe('builders', function () {
    it('scoped names use the %40 purl', function () {
      const c = byId(data, 'scoped-verified');
      assert.equal(c.name, '@synth-scope/widget');
      for (const b of bundles(c)) assert.equal(statementOf(b.bundle).subject[0]!.name, 'pkg:npm/%40synth-scope/widget@2.3.1');
    });

    it('GitLab: SLSA v0.2 as npm generates it, GitLab issuer and certificate claims', function () {
      const c = byId(data, 'gitlab-verified');
      const facts = c.expected.facts!;
      const prov = bundles(c).find((b) => b.kind === 'provenance')!.bundle;
      const st = statementOf(prov);
      assert.equal(st._type, 'https://in-toto.io/Statement/v0.1');
      assert.equal(st.predicateType, SLSA_PROVENANCE_V02);
      assert.equal(st.predicate.buildType, 'https://github.com/npm/cli/gitlab/v0alpha1');
      assert.match(st.predicate.builder!.id, /^https:\/\/gitlab\.com\/synth-group\/synth-gitlab\/-\/runners\/\d+$/);
      assert.equal(facts.builder, st.predicate.builder!.id);
      assert.equal(facts.builderKind, 'gitlab-hosted');
      assert.equal(facts.issuer, GITLAB_ISSUER);
      const cert = certificateOf(prov);
      assert.equal(certExtension(cert, 11), 'gitlab-hosted');
      assert.equal(cert.subjectAltName, 'https://gitlab.com/synth-group/synth-gitlab//.gitlab-ci.yml@refs/heads/main');
      assert.equal(certExtension(cert, 18), cert.subjectAltName);
    });

    it('GitHub: SLSA v1, hosted and self-hosted runners', function () {
      for (const [id, kind] of [
        ['github-hosted-verified', 'github-hosted'],
        ['self-hosted-verified', 'self-hosted'],
      ] as const) {
        const c = byId(data, id);
        const prov = bundles(c).find((b) => b.kind === 'provenance')!.bundle;
        const st = statementOf(prov);
        assert.equal(st._type, 'https://in-toto.io/Statement/v1');
        assert.equal(st.predicateType, SLSA_PROVENANCE_V1);
        assert.equal(st.predicate.runDetails!.builder.id, `https://github.com/actions/runner/${kind}`);
        assert.equal(c.expected.facts!.builderKind, kind);
        assert.equal(c.expected.facts!.issuer, GITHUB_ACTIONS_ISSUER);
        assert.equal(certExtension(certificateOf(prov), 11), kind);
      }
    });
  });

  describe('registry signatures (node:crypto)', function () {
    it('verify, or not, exactly as expected.registrySignature says', function () {
      for (const c of data.packages) {
        const sigs = c.versionDoc.dist.signatures ?? [];
        assert.equal(sigs.length, 1, c.id);
        const { keyid, sig } = sigs[0]!;
        const key = npmKey('npm:signatures', keyid);
        const message = Buffer.from(`${c.name}@${c.version}:${c.integrity}`, 'utf8');
        const verifies = (k: KeyObject) => cryptoVerify('sha256', message, k, Buffer.from(sig, 'base64'));
        const published = key
          ? createPublicKey({ key: Buffer.from(key.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' })
          : undefined;
        const t = Date.parse(c.time);
        switch (c.expected.registrySignature) {
          case 'valid':
            assert.ok(published && verifies(published), `${c.id}: valid signature`);
            assert.ok(Date.parse(key!.publicKey.validFor.start) <= t && !key!.publicKey.validFor.end, `${c.id}: key in service`);
            assert.equal(keyid, data.keyIds.current);
            break;
          case 'invalid':
            assert.ok(published, `${c.id}: published key`);
            assert.equal(verifies(published), false, `${c.id}: signature must not verify`);
            break;
          case 'unknown-key':
            assert.equal(key, undefined, `${c.id}: key not published`);
            assert.equal(keyid, data.keyIds.unknown);
            break;
          case 'expired-key':
            assert.ok(published && verifies(published), `${c.id}: genuine signature`);
            assert.ok(Date.parse(key!.publicKey.validFor.end!) < t, `${c.id}: key expired before publish`);
            break;
          default:
            assert.fail(`${c.id}: unexpected registry signature status ${String(c.expected.registrySignature)}`);
        }
      }
    });
  });

  describe('synth-evolving history', function () {
    it('is one packument, versions in publish order, latest 2.1.0', function () {
      const p = data.packuments['synth-evolving'];
      assert.ok(p);
      assert.deepEqual(Object.keys(p.versions), ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0']);
      assert.equal(p['dist-tags'].latest, '2.1.0');
      const times = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0'].map((v) => Date.parse(p.time[v]!));
      assert.deepEqual(
        [...times].sort((a, b) => a - b),
        times,
      );
      assert.equal(p.time.created, p.time['1.0.0']);
      assert.equal(p.time.modified, p.time['2.1.0']);
      const statuses = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0'].map((v) => byId(data, `evolving-${v}`).expected.status);
      assert.deepEqual(statuses, ['verified', 'no-provenance', 'verified', 'verified', 'invalid']);
      assert.equal(byId(data, 'evolving-1.2.0').expected.facts!.sourceRepository, 'https://github.com/synth-fork/synth-evolving');
      assert.equal(byId(data, 'evolving-2.0.0').expected.facts!.sourceRepository, 'https://github.com/synth-org/synth-evolving');
    });

    it('has a packument for every package', function () {
      for (const c of data.packages) assert.deepEqual(data.packuments[c.name]!.versions[c.version], c.versionDoc);
    });
  });

  describe('fixture registry packages', function () {
    it('hold every case, with registry URLs as the {{registry}} placeholder', function () {
      const pkgs = toFixturePackages(data);
      assert.deepEqual(pkgs.map((p) => p.name).sort(), Object.keys(data.packuments).sort());
      let versions = 0;
      for (const p of pkgs) {
        assert.deepEqual(p.distTags, data.packuments[p.name]!['dist-tags']);
        for (const [version, v] of Object.entries(p.versions)) {
          versions++;
          const c = data.packages.find((x) => x.name === p.name && x.version === version)!;
          const text = JSON.stringify(v.versionDoc);
          assert.ok(!text.includes(SYNTHETIC_REGISTRY), `${c.id}: no placeholder registry left`);
          assert.equal(
            (v.versionDoc.dist as { tarball: string }).tarball,
            c.versionDoc.dist.tarball.replace(`${SYNTHETIC_REGISTRY}/`, '{{registry}}'),
          );
          assert.equal(v.attestations, c.attestations);
          assert.equal(v.tarball, c.tarball);
          assert.equal(v.time, c.time);
        }
      }
      assert.equal(versions, data.packages.length);
    });
  });

  describe('determinism', function () {
    it('the same seed gives the same keys, tarballs and ids; another seed does not', async function () {
      const again = await generateSyntheticData({ seed: 'provenance-lens-unit', now: data.generatedAt });
      assert.deepEqual(again.keyIds, data.keyIds);
      assert.deepEqual(
        again.packages.map((c) => c.integrity),
        data.packages.map((c) => c.integrity),
      );
      assert.deepEqual(
        again.packages.map((c) => c.expected),
        data.packages.map((c) => c.expected),
      );
      assert.deepEqual(again.trustedRoot.tlogs, data.trustedRoot.tlogs);
      assert.deepEqual(again.trustedRoot.ctlogs, data.trustedRoot.ctlogs);
      const other = await generateSyntheticData({ seed: 'another-seed' });
      assert.notEqual(other.keyIds.current, data.keyIds.current);
    });
  });

  describe('fixtures on disk', function () {
    let dir: string;
    before(async function () {
      dir = await mkdtemp(join(tmpdir(), 'provenance-lens-synthetic-'));
    });
    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it('writes trusted_root.json, npm keys in both formats, cases, tarballs, attestations and packuments, and reads them back', async function () {
      const files = await writeSyntheticFixtures(dir, data);
      const root = JSON.parse(await readFile(files.trustedRoot, 'utf8')) as unknown;
      assert.deepEqual(root, data.trustedRoot);
      TrustedRoot.fromJSON(root);
      assert.deepEqual(JSON.parse(await readFile(files.npmKeys, 'utf8')), data.npmKeys);
      assert.deepEqual(JSON.parse(await readFile(files.registryKeys, 'utf8')), data.registryKeys);
      assert.deepEqual(
        JSON.parse(await readFile(join(dir, 'packuments', '@synth-scope%2fwidget.json'), 'utf8')),
        data.packuments['@synth-scope/widget'],
      );
      const loaded = await loadSyntheticFixtures(dir);
      assert.deepEqual(loaded, data);
    });
  });
});
