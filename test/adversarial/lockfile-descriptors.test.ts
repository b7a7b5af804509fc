/**
 * Attacks through a yarn berry yarn.lock changed in a pull request: a second entry claiming a descriptor that an
 * earlier entry already lists, or an entry keyed without the `npm:` protocol beside the one yarn really uses. yarn
 * (Project.setupResolutions) keeps the last entry for a descriptor, normalises keys of lockfiles up to version 6 to
 * `npm:` ranges, and looks a manifest's range up as `npm:<range>`: the direct dependency must resolve to that copy,
 * never to a decoy the tool happened to read first.
 * @positions pull-request
 */
import { strict as assert } from 'node:assert';
import { parseLockfile } from '../../src/verify/resolve/lockfile';

const entry = (key: string, version: string) =>
  [`"${key}":`, `  version: ${version}`, `  resolution: "sigstore@npm:${version}"`, '  languageName: node', '  linkType: hard', ''].join(
    '\n',
  );

const berry = (metadataVersion: number, ...entries: string[]) =>
  [`__metadata:`, `  version: ${metadataVersion}`, `  cacheKey: 10c0`, '', ...entries].join('\n');

describe('adversarial: yarn berry descriptors', () => {
  it('a descriptor listed by two entries resolves to the last one, as yarn installs it', () => {
    const text = berry(8, entry('sigstore@npm:^1.0.0', '1.5.0'), entry('sigstore@npm:1.0.0, sigstore@npm:^1.0.0', '1.0.0'));
    const lf = parseLockfile('yarn-berry', text, '/p/yarn.lock');
    assert.equal(lf.resolveDirect('sigstore', '^1.0.0', '')?.version, '1.0.0');
  });

  it('a manifest range is looked up as its npm: descriptor before a bare key (lockfile v8 keeps bare keys apart)', () => {
    const text = berry(8, entry('sigstore@^1.0.0', '1.5.0'), entry('sigstore@npm:^1.0.0', '1.0.0'));
    const lf = parseLockfile('yarn-berry', text, '/p/yarn.lock');
    assert.equal(lf.resolveDirect('sigstore', '^1.0.0', '')?.version, '1.0.0');
  });

  it('lockfile v6 and older: a bare key is the npm: descriptor, and the last entry for it wins', () => {
    const text = berry(6, entry('sigstore@npm:^1.0.0', '1.5.0'), entry('sigstore@^1.0.0', '1.0.0'));
    const lf = parseLockfile('yarn-berry', text, '/p/yarn.lock');
    assert.equal(lf.resolveDirect('sigstore', '^1.0.0', '')?.version, '1.0.0');
    assert.equal(lf.resolveDirect('sigstore', 'npm:^1.0.0', '')?.version, '1.0.0');
  });
});
