/**
 * A mirror or proxy on the way serves the real sha512 spelled with other base64 padding bits: the same
 * 64 bytes once decoded, but a string no installer matches (ssri compares digests as strings), so the
 * document pins no tarball the installer would accept. The real provenance about those bytes must not
 * make it `verified`.
 * @positions mirror
 */
import { strict as assert } from 'node:assert';
import { ProvenanceEngine } from '../../src/verify/engine';
import { npmKeysFromTufSeed, startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { realworld } from '../support/realworld';

const rw = realworld();
const C = rw.cases.find((c) => c.id === 'playwright-cli-0.1.1')!;
const TARBALL = rw.read(C.tarball!);
const GOOD = C.integrity;

/** The same digest with other (non-zero) padding bits: decodes to the same bytes, compares unequal. */
function otherPaddingBits(integrity: string): string {
  const b64 = integrity.slice('sha512-'.length);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = alphabet.indexOf(b64[85]!);
  return `sha512-${b64.slice(0, 85)}${alphabet[last | 0b1111]}==`;
}

describe('binding attacks: a non-canonical sha512 in dist.integrity', function () {
  let registry: FixtureRegistry;
  const NONCANONICAL = otherPaddingBits(GOOD);

  before(async () => {
    assert.notEqual(NONCANONICAL, GOOD);
    assert.deepEqual(Buffer.from(NONCANONICAL.slice(7), 'base64'), Buffer.from(GOOD.slice(7), 'base64'));
    registry = await startFixtureRegistry({
      prefixes: [
        {
          prefix: 'noncanonical',
          keys: npmKeysFromTufSeed(),
          packages: [
            {
              name: C.name,
              versions: {
                [C.version]: {
                  versionDoc: {
                    name: C.name,
                    version: C.version,
                    dist: { integrity: NONCANONICAL, attestations: { provenance: { predicateType: 'https://slsa.dev/provenance/v1' } } },
                  },
                  attestations: rw.readJson(C.attestations),
                  tarball: TARBALL,
                },
              },
            },
          ],
        },
      ],
    });
  });
  after(async () => {
    await registry?.close();
  });

  it('the real provenance about the decoded bytes does not make it verified', async () => {
    const engine = new ProvenanceEngine({
      registry: `${registry.url}/noncanonical/`,
      attestationRegistry: '',
      refreshTrust: false,
      useProjectNpmrc: false,
    });
    const v = await engine.verify({ name: C.name, version: C.version });
    assert.notEqual(v.status, 'verified', v.reason?.message);
    assert.equal(v.facts, undefined);
  });
});
