import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import ssri from 'ssri';
import { bindIntegrity, lockfileAmbiguity, parseIntegrity, registryPin, samePin, sha1FromHex } from '../../../src/verify/integrity';

const sha512 = (s: string): string => createHash('sha512').update(s).digest('base64');
const sha384 = (s: string): string => createHash('sha384').update(s).digest('base64');
const sha1hex = (s: string): string => createHash('sha1').update(s).digest('hex');
const sha1 = (s: string): string => createHash('sha1').update(s).digest('base64');
const GOOD = sha512('good tarball');
const EVIL = sha512('evil tarball');

/** What the installer (ssri, as pacote calls it) accepts for `data` under `integrity`. */
const installerAccepts = (integrity: string, data: string): boolean => ssri.checkData(data, integrity) !== false;

describe('integrity as the installer reads it (src/verify/integrity)', () => {
  it('parses like ssri non-strict and picks the algorithm the installer checks', () => {
    const p = parseIntegrity(`sha1-${sha1('x')} sha512-${GOOD} sha384-${sha384('y')}`)!;
    assert.equal(p.algorithm, 'sha512');
    assert.deepEqual(p.accepted, [GOOD]);
    assert.deepEqual([...p.hashes.keys()].sort(), ['sha1', 'sha384', 'sha512']);
    // non-strict: a digest strict parsing would drop is still listed
    assert.deepEqual(parseIntegrity(`sha512-${GOOD} sha512-not*base64`)!.accepted, [GOOD, 'not*base64']);
    assert.equal(parseIntegrity(''), undefined);
    assert.equal(parseIntegrity('garbage'), undefined);
    assert.equal(parseIntegrity(42), undefined);
    assert.equal(parseIntegrity(`sha1-${sha1('x')}`)!.algorithm, 'sha1');
  });

  it('the installer really accepts either digest of a two-digest integrity (the reason such a string is refused)', () => {
    const two = `sha512-${GOOD} sha512-${EVIL}`;
    assert.ok(installerAccepts(two, 'good tarball'));
    assert.ok(installerAccepts(two, 'evil tarball'));
    assert.equal(lockfileAmbiguity(two)?.kind, 'ambiguous');
    assert.equal(registryPin(two).kind, 'ambiguous');
  });

  describe('registryPin', () => {
    it('one sha512 (with its shasum) pins that sha512', () => {
      const pin = registryPin(`sha512-${GOOD}`, sha1hex('good tarball'));
      assert.deepEqual(pin, { kind: 'sha512', digest: GOOD, sha1: [sha1('good tarball')] });
    });
    it('a sha512 beside a sha384 is ambiguous, though npm would check only the sha512', () => {
      assert.equal(registryPin(`sha512-${GOOD} sha384-${sha384('evil tarball')}`).kind, 'ambiguous');
    });
    it('a sha1 digest that is not dist.shasum is ambiguous', () => {
      assert.equal(registryPin(`sha512-${GOOD} sha1-${sha1('evil tarball')}`, sha1hex('good tarball')).kind, 'ambiguous');
      assert.equal(registryPin(`sha512-${GOOD} sha1-${sha1('good tarball')}`, sha1hex('good tarball')).kind, 'sha512');
    });
    it('no sha512 (old sha1-only publications, non-canonical digests) pins nothing verifiable', () => {
      assert.equal(registryPin(`sha1-${sha1('x')}`).kind, 'none');
      assert.equal(registryPin('sha512-abc').kind, 'none');
      assert.equal(registryPin(undefined).kind, 'missing');
    });
    it('samePin compares the pinned sha512 only', () => {
      assert.ok(samePin(registryPin(`sha512-${GOOD}`), registryPin(`sha512-${GOOD}`, sha1hex('good tarball'))));
      assert.ok(!samePin(registryPin(`sha512-${GOOD}`), registryPin(`sha512-${EVIL}`)));
      assert.ok(!samePin(registryPin(`sha512-${GOOD}`), registryPin(`sha1-${sha1('good tarball')}`)));
    });
  });

  describe('bindIntegrity (lockfile against the registry pin)', () => {
    const pin = registryPin(`sha512-${GOOD}`, sha1hex('good tarball'));
    it('pinned only when every digest the installer accepts is the signed sha512', () => {
      assert.equal(bindIntegrity(`sha512-${GOOD}`, pin).kind, 'pinned');
      assert.equal(bindIntegrity(`sha512-${GOOD} sha1-${sha1('good tarball')}`, pin).kind, 'pinned');
      assert.equal(bindIntegrity(`sha512-${GOOD} sha512-${EVIL}`, pin).kind, 'ambiguous');
      assert.equal(bindIntegrity(`sha512-${GOOD} sha1-${sha1('evil tarball')}`, pin).kind, 'ambiguous');
      assert.equal(bindIntegrity(`sha512-${GOOD} sha384-${sha384('evil tarball')}`, pin).kind, 'ambiguous');
      assert.equal(bindIntegrity(`sha512-${EVIL}`, pin).kind, 'mismatch');
    });
    it('sha1-only is compared with dist.shasum: a difference is a mismatch, equality is only weak', () => {
      assert.equal(bindIntegrity(`sha1-${sha1('evil tarball')}`, pin).kind, 'mismatch');
      assert.equal(bindIntegrity(`sha1-${sha1('good tarball')}`, pin).kind, 'weak');
      assert.equal(bindIntegrity(`sha1-${sha1('good tarball')}`, registryPin(`sha512-${GOOD}`)).kind, 'weak');
    });
    it('absent or unparseable integrity is missing; other algorithms are weak', () => {
      assert.equal(bindIntegrity(undefined, pin).kind, 'missing');
      assert.equal(bindIntegrity('', pin).kind, 'missing');
      assert.equal(bindIntegrity('not an integrity', pin).kind, 'missing');
      assert.equal(bindIntegrity(`sha384-${sha384('good tarball')}`, pin).kind, 'weak');
    });
    it('against a registry without a single sha512 nothing is pinned', () => {
      assert.equal(bindIntegrity(`sha512-${GOOD}`, registryPin(`sha1-${sha1('good tarball')}`)).kind, 'weak');
    });
  });

  it('sha1FromHex accepts only 40 hex digits', () => {
    assert.equal(sha1FromHex(sha1hex('a')), sha1('a'));
    assert.equal(sha1FromHex('xyz'), undefined);
    assert.equal(sha1FromHex(undefined), undefined);
  });
});
