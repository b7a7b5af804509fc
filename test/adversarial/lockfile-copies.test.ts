/**
 * Attacks through a lockfile changed in a pull request: a second copy of a package fetched from another host, a tarball
 * URL swapped in, integrity only in yarn's #sha1 fragment. Every installed copy must reach the engine with the URL the
 * installer fetches (`resolved`, exactly as written), the integrity it checks, and its lockfile location; nothing may be
 * merged away by name@version, and no integrity may be made up.
 * @positions pull-request
 */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import { parseLockfile } from '../../src/verify/resolve/lockfile';
import { lockfileRequests } from '../../src/verify/resolve/resolve';
import type { LockedPackage } from '../../src/verify/types';

const GOOD = `sha512-${crypto.createHash('sha512').update('registry tarball').digest('base64')}`;
const EVIL = `sha512-${crypto.createHash('sha512').update('evil tarball').digest('base64')}`;
const REGISTRY_URL = 'https://registry.npmjs.org/sigstore/-/sigstore-1.0.0.tgz';

const sigstoreCopies = (packages: LockedPackage[]) =>
  packages
    .filter((p) => p.name === 'sigstore' && p.version === '1.0.0')
    .map((p) => ({ location: p.location, resolved: p.resolved, integrity: p.integrity, nonRegistry: p.nonRegistry }))
    .sort((a, b) => (String(a.location) < String(b.location) ? -1 : 1));

/** An installed registry copy of sigstore@1.0.0 as sigstoreCopies lists it. */
const registryCopy = (location: string, resolved: string | undefined, integrity: string) => ({
  location,
  resolved,
  integrity,
  nonRegistry: undefined,
});

describe('adversarial: lockfile copies (package-lock.json)', () => {
  const lock = (evilUrl: string) =>
    JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { sigstore: '^1.0.0', helper: '^2.0.0' } },
        'node_modules/sigstore': { version: '1.0.0', resolved: REGISTRY_URL, integrity: GOOD },
        'node_modules/helper': {
          version: '2.0.0',
          resolved: 'https://registry.npmjs.org/helper/-/helper-2.0.0.tgz',
          integrity: GOOD,
          dependencies: { sigstore: '1.0.0' },
        },
        'node_modules/helper/node_modules/sigstore': { version: '1.0.0', resolved: evilUrl, integrity: EVIL },
      },
    });

  for (const evilUrl of ['https://evil.example/sigstore/-/sigstore-1.0.0.tgz', 'https://evil.example/payload.tgz']) {
    it(`keeps both copies of sigstore@1.0.0 when one is fetched from ${evilUrl}`, () => {
      const lf = parseLockfile('package-lock', lock(evilUrl), '/p/package-lock.json');
      assert.deepEqual(sigstoreCopies(lf.packages), [
        registryCopy('node_modules/helper/node_modules/sigstore', evilUrl, EVIL),
        registryCopy('node_modules/sigstore', REGISTRY_URL, GOOD),
      ]);
      // Both are registry copies to verify (the dependent asks for a registry version), never a quiet "not applicable".
      const { requests, notApplicable } = lockfileRequests(lf);
      assert.deepEqual(notApplicable, []);
      const sigstore = requests.filter((r) => r.name === 'sigstore');
      assert.equal(sigstore.length, 2);
      assert.deepEqual(
        sigstore.find((r) => r.resolved === evilUrl),
        { name: 'sigstore', version: '1.0.0', integrity: EVIL, resolved: evilUrl, location: 'node_modules/helper/node_modules/sigstore' },
      );
      // The direct dependency's badge judges the copy installed at the top level.
      assert.deepEqual(lf.resolveDirect('sigstore', '^1.0.0', ''), {
        name: 'sigstore',
        version: '1.0.0',
        integrity: GOOD,
        resolved: REGISTRY_URL,
        location: 'node_modules/sigstore',
      });
    });
  }

  it("a workspace dependency judges the copy in the workspace's own node_modules first, then the hoisted one", () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'root', workspaces: ['packages/*'] },
        'node_modules/app': { resolved: 'packages/app', link: true },
        'packages/app': { name: 'app', version: '1.0.0', dependencies: { sigstore: '^1.0.0' } },
        'packages/app/node_modules/sigstore': { version: '1.0.0', resolved: 'https://evil.example/s.tgz', integrity: EVIL },
        'node_modules/sigstore': { version: '1.0.0', resolved: REGISTRY_URL, integrity: GOOD },
      },
    });
    const lf = parseLockfile('package-lock', text, '/p/package-lock.json');
    assert.deepEqual(lf.resolveDirect('sigstore', '^1.0.0', 'packages/app'), {
      name: 'sigstore',
      version: '1.0.0',
      integrity: EVIL,
      resolved: 'https://evil.example/s.tgz',
      location: 'packages/app/node_modules/sigstore',
    });
    assert.equal(lf.resolveDirect('sigstore', '^1.0.0', '')?.location, 'node_modules/sigstore');
  });

  it('a dependency asked for by URL stays a remote tarball (not applicable), with its location', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { tb: 'https://cdn.example.com/tb-1.0.0.tgz' } },
        'node_modules/tb': { version: '1.0.0', resolved: 'https://cdn.example.com/tb-1.0.0.tgz', integrity: GOOD },
      },
    });
    const { requests, notApplicable } = lockfileRequests(parseLockfile('package-lock', text, '/p/package-lock.json'));
    assert.deepEqual(requests, []);
    assert.deepEqual(
      notApplicable.map((v) => [v.reason?.code, v.location, v.resolved]),
      [['remote-tarball', 'node_modules/tb', 'https://cdn.example.com/tb-1.0.0.tgz']],
    );
  });

  it('identical copies are merged (one request, the shallowest location); an entry without integrity gets none', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: '^1.0.0', b: '^1.0.0' } },
        'node_modules/b': { version: '1.0.0', resolved: 'https://registry.npmjs.org/b/-/b-1.0.0.tgz', integrity: GOOD },
        'node_modules/a/node_modules/b': { version: '1.0.0', resolved: 'https://registry.npmjs.org/b/-/b-1.0.0.tgz', integrity: GOOD },
        'node_modules/a': { version: '1.0.0' },
      },
    });
    const { requests } = lockfileRequests(parseLockfile('package-lock', text, '/p/package-lock.json'));
    assert.deepEqual(
      requests.map((r) => `${r.name}@${r.version} ${r.location} ${r.integrity ? 'integrity' : 'no-integrity'} ${r.resolved ?? '-'}`).sort(),
      ['a@1.0.0 node_modules/a no-integrity -', 'b@1.0.0 node_modules/b integrity https://registry.npmjs.org/b/-/b-1.0.0.tgz'],
    );
  });

  it('lockfileVersion 1: nested copies keep their resolved URL and location', () => {
    const text = JSON.stringify({
      lockfileVersion: 1,
      dependencies: {
        sigstore: { version: '1.0.0', resolved: REGISTRY_URL, integrity: GOOD },
        helper: {
          version: '2.0.0',
          resolved: 'https://registry.npmjs.org/helper/-/helper-2.0.0.tgz',
          integrity: GOOD,
          requires: { sigstore: '1.0.0' },
          dependencies: { sigstore: { version: '1.0.0', resolved: 'https://evil.example/payload.tgz', integrity: EVIL } },
        },
      },
    });
    const lf = parseLockfile('npm-shrinkwrap', text, '/p/npm-shrinkwrap.json');
    assert.deepEqual(sigstoreCopies(lf.packages), [
      registryCopy('node_modules/helper/node_modules/sigstore', 'https://evil.example/payload.tgz', EVIL),
      registryCopy('node_modules/sigstore', REGISTRY_URL, GOOD),
    ]);
  });
});

describe('adversarial: lockfile copies (pnpm-lock.yaml)', () => {
  const text = [
    "lockfileVersion: '9.0'",
    'importers:',
    '  .:',
    '    dependencies:',
    '      sigstore:',
    '        specifier: ^1.0.0',
    '        version: 1.0.0',
    '      other:',
    '        specifier: ^2.0.0',
    '        version: 2.0.0',
    'packages:',
    '  sigstore@1.0.0:',
    `    resolution: {integrity: ${EVIL}, tarball: https://evil.example/sigstore-1.0.0.tgz}`,
    '  other@2.0.0:',
    `    resolution: {integrity: ${GOOD}}`,
    'snapshots:',
    '  sigstore@1.0.0: {}',
    '  other@2.0.0: {}',
    '',
  ].join('\n');

  it('a registry key whose tarball is on another host is a registry package with that URL as resolved', () => {
    const lf = parseLockfile('pnpm', text, '/p/pnpm-lock.yaml');
    const { requests, notApplicable } = lockfileRequests(lf);
    assert.deepEqual(notApplicable, []);
    assert.deepEqual(
      requests.find((r) => r.name === 'sigstore'),
      {
        name: 'sigstore',
        version: '1.0.0',
        integrity: EVIL,
        resolved: 'https://evil.example/sigstore-1.0.0.tgz',
        location: 'sigstore@1.0.0',
      },
    );
    // Without resolution.tarball pnpm fetches from the configured registry: no resolved is recorded.
    assert.deepEqual(
      requests.find((r) => r.name === 'other'),
      { name: 'other', version: '2.0.0', integrity: GOOD, location: 'other@2.0.0' },
    );
    assert.deepEqual(lf.resolveDirect('sigstore', '^1.0.0', ''), {
      name: 'sigstore',
      version: '1.0.0',
      integrity: EVIL,
      resolved: 'https://evil.example/sigstore-1.0.0.tgz',
      location: 'sigstore@1.0.0',
    });
  });

  it('pnpm 6: two keys of one version (peer suffixes) with different tarballs are two copies', () => {
    const v6 = [
      "lockfileVersion: '6.0'",
      'dependencies:',
      '  sigstore:',
      '    specifier: ^1.0.0',
      '    version: 1.0.0(react@18.0.0)',
      'packages:',
      '  /sigstore@1.0.0(react@18.0.0):',
      `    resolution: {integrity: ${GOOD}}`,
      '  /sigstore@1.0.0(react@17.0.0):',
      `    resolution: {integrity: ${EVIL}, tarball: https://evil.example/s.tgz}`,
      '',
    ].join('\n');
    const lf = parseLockfile('pnpm', v6, '/p/pnpm-lock.yaml');
    assert.deepEqual(sigstoreCopies(lf.packages), [
      registryCopy('/sigstore@1.0.0(react@17.0.0)', 'https://evil.example/s.tgz', EVIL),
      registryCopy('/sigstore@1.0.0(react@18.0.0)', undefined, GOOD),
    ]);
    assert.equal(lf.resolveDirect('sigstore', '^1.0.0', '')?.location, '/sigstore@1.0.0(react@18.0.0)');
  });
});

describe('adversarial: lockfile copies (yarn.lock classic)', () => {
  const sha1Hex = crypto.createHash('sha1').update('registry tarball').digest('hex');
  const sha1Sri = `sha1-${Buffer.from(sha1Hex, 'hex').toString('base64')}`;

  it('an entry with only the #sha1 fragment has that sha1 as its integrity (what yarn checks)', () => {
    const text = [
      '# yarn lockfile v1',
      '',
      'sigstore@^1.0.0:',
      '  version "1.0.0"',
      `  resolved "https://registry.yarnpkg.com/sigstore/-/sigstore-1.0.0.tgz#${sha1Hex}"`,
      '',
    ].join('\n');
    const lf = parseLockfile('yarn-classic', text, '/p/yarn.lock');
    assert.deepEqual(lf.packages, [
      {
        name: 'sigstore',
        version: '1.0.0',
        integrity: sha1Sri,
        resolved: `https://registry.yarnpkg.com/sigstore/-/sigstore-1.0.0.tgz#${sha1Hex}`,
        location: 'sigstore@^1.0.0',
      },
    ]);
  });

  it('an entry with both keeps both hashes (yarn checks the fragment and the integrity field)', () => {
    const text = [
      'sigstore@^1.0.0:',
      '  version "1.0.0"',
      `  resolved "https://registry.yarnpkg.com/sigstore/-/sigstore-1.0.0.tgz#${sha1Hex}"`,
      `  integrity ${GOOD}`,
      '',
    ].join('\n');
    assert.equal(parseLockfile('yarn-classic', text, '/p/yarn.lock').packages[0].integrity, `${GOOD} ${sha1Sri}`);
    // The same sha1 in both places is not written twice.
    const same = [
      'sigstore@^1.0.0:',
      '  version "1.0.0"',
      `  resolved "https://registry.yarnpkg.com/sigstore/-/sigstore-1.0.0.tgz#${sha1Hex}"`,
      `  integrity ${sha1Sri}`,
      '',
    ].join('\n');
    assert.equal(parseLockfile('yarn-classic', same, '/p/yarn.lock').packages[0].integrity, sha1Sri);
  });

  it('a fragment that is not a sha1 is not integrity (nothing is made up)', () => {
    const text = [
      'sigstore@^1.0.0:',
      '  version "1.0.0"',
      '  resolved "https://registry.yarnpkg.com/sigstore/-/sigstore-1.0.0.tgz#not-a-hash"',
      '',
    ].join('\n');
    assert.equal(parseLockfile('yarn-classic', text, '/p/yarn.lock').packages[0].integrity, undefined);
  });

  it('a registry range fetched from a foreign URL is a registry copy with that resolved; two copies stay two', () => {
    const text = [
      'sigstore@^1.0.0:',
      '  version "1.0.0"',
      `  resolved "${REGISTRY_URL}"`,
      `  integrity ${GOOD}`,
      '',
      'sigstore@1.0.0, sigstore@~1.0.0:',
      '  version "1.0.0"',
      '  resolved "https://evil.example/payload.tgz"',
      `  integrity ${EVIL}`,
      '',
    ].join('\n');
    const lf = parseLockfile('yarn-classic', text, '/p/yarn.lock');
    assert.deepEqual(sigstoreCopies(lf.packages), [
      registryCopy('sigstore@1.0.0, sigstore@~1.0.0', 'https://evil.example/payload.tgz', EVIL),
      registryCopy('sigstore@^1.0.0', REGISTRY_URL, GOOD),
    ]);
    // The manifest's descriptor picks the entry.
    assert.equal(lf.resolveDirect('sigstore', '~1.0.0', '')?.resolved, 'https://evil.example/payload.tgz');
    assert.equal(lf.resolveDirect('sigstore', '^1.0.0', '')?.resolved, REGISTRY_URL);
  });
});

describe('adversarial: lockfile copies (yarn.lock berry)', () => {
  it('npm: resolutions fetch from the configured registry (no resolved); checksums are never integrity; a URL resolution for a registry range is judged', () => {
    const text = [
      '__metadata:',
      '  version: 8',
      '  cacheKey: 10c0',
      '',
      '"sigstore@npm:^1.0.0":',
      '  version: 1.0.0',
      '  resolution: "sigstore@npm:1.0.0"',
      '  checksum: 10c0/0123456789abcdef',
      '  languageName: node',
      '  linkType: hard',
      '',
      '"other@npm:^2.0.0":',
      '  version: 2.0.0',
      '  resolution: "other@https://evil.example/other-2.0.0.tgz"',
      '  checksum: 10c0/fedcba9876543210',
      '  languageName: node',
      '  linkType: hard',
      '',
    ].join('\n');
    const lf = parseLockfile('yarn-berry', text, '/p/yarn.lock');
    assert.deepEqual(
      lf.packages.map((p) => ({ ...p })).sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'other', version: '2.0.0', resolved: 'https://evil.example/other-2.0.0.tgz', location: 'other@npm:^2.0.0' },
        { name: 'sigstore', version: '1.0.0', location: 'sigstore@npm:^1.0.0' },
      ],
    );
    assert.deepEqual(lockfileRequests(lf).notApplicable, []);
  });
});

describe('adversarial: lockfile copies (bun.lock)', () => {
  it('records the foreign tarball URL of the tuple as resolved, and keeps a nested copy from elsewhere', () => {
    const text = `{
      "lockfileVersion": 1,
      "workspaces": { "": { "name": "app", "dependencies": { "sigstore": "^1.0.0", "helper": "^2.0.0" } } },
      "packages": {
        "sigstore": ["sigstore@1.0.0", "", {}, "${GOOD}"],
        "helper": ["helper@2.0.0", "", { "dependencies": { "sigstore": "1.0.0" } }, "${GOOD}"],
        "helper/sigstore": ["sigstore@1.0.0", "https://evil.example/sigstore/-/sigstore-1.0.0.tgz", {}, "${EVIL}"],
      },
    }`;
    const lf = parseLockfile('bun', text, '/p/bun.lock');
    assert.deepEqual(sigstoreCopies(lf.packages), [
      registryCopy('helper/sigstore', 'https://evil.example/sigstore/-/sigstore-1.0.0.tgz', EVIL),
      registryCopy('sigstore', undefined, GOOD),
    ]);
    assert.equal(lockfileRequests(lf).requests.filter((r) => r.name === 'sigstore').length, 2);
    assert.deepEqual(lf.resolveDirect('sigstore', '^1.0.0', ''), {
      name: 'sigstore',
      version: '1.0.0',
      integrity: GOOD,
      location: 'sigstore',
    });
  });
});
