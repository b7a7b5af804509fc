/**
 * What clock a verified provenance is dated by. A log entry's integratedTime is signed only by its
 * inclusion promise (signed entry timestamp); an entry with an inclusion proof alone, whose signing
 * time comes from an RFC 3161 timestamp, carries an integratedTime nothing signs. A mirror (or the
 * signer) can rewrite it, and it becomes the package's signed publish time, the time its registry
 * signature's key is judged at. It must not be reported as signed.
 * @positions mirror
 */
import { strict as assert } from 'node:assert';
import { createIdentityHarness, githubBuild, type IdentityHarness } from '../synthetic/identity';

describe('adversarial: identity timestamps (whose clock dates the provenance)', function () {
  this.timeout(60_000);
  let h: IdentityHarness;
  before(async () => {
    h = await createIdentityHarness('identity-timestamps');
  });

  it('an RFC 3161-timestamped bundle verifies (control)', async () => {
    const att = await h.sign({ layout: 'github-v1', predicate: githubBuild(), signedAt: new Date(Date.now() - 60_000), rfc3161Only: true });
    const result = h.verify([h.publish, att], { now: new Date() });
    assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
  });

  it('an unsigned integratedTime (no inclusion promise) is not reported as the signed time', async () => {
    const backdated = Math.floor(Date.UTC(2023, 0, 1) / 1000);
    const att = await h.sign({
      layout: 'github-v1',
      predicate: githubBuild(),
      signedAt: new Date(Date.now() - 60_000),
      rfc3161Only: true,
      integratedTime: backdated,
    });
    const result = h.verify([h.publish, att], { now: new Date() });
    assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
    assert.equal(result.facts.transparencyLog.integratedTime, undefined, 'an integratedTime nothing signs was reported');
  });

  it('a signed integratedTime (inclusion promise) is reported (control)', async () => {
    const att = await h.sign({ layout: 'github-v1', predicate: githubBuild() });
    const result = h.verify([h.publish, att]);
    assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
    assert.ok(result.facts.transparencyLog.integratedTime);
  });
});
