import { strict as assert } from 'node:assert';
import { classifySpec, fromNpa, plainSemver } from '../../../src/verify/resolve/spec';

describe('resolve/spec: classifySpec', () => {
  const cases: [name: string, spec: string, expected: ReturnType<typeof classifySpec>][] = [
    ['lodash', '4.17.21', { kind: 'version', registryName: 'lodash', registrySpec: '4.17.21' }],
    ['lodash', 'v4.17.21', { kind: 'version', registryName: 'lodash', registrySpec: 'v4.17.21' }],
    ['lodash', '=4.17.21', { kind: 'version', registryName: 'lodash', registrySpec: '=4.17.21' }],
    ['lodash', '^4.17.0', { kind: 'range', registryName: 'lodash', registrySpec: '^4.17.0' }],
    ['lodash', '>=1 <2 || ^3', { kind: 'range', registryName: 'lodash', registrySpec: '>=1 <2 || ^3' }],
    ['lodash', '*', { kind: 'range', registryName: 'lodash', registrySpec: '*' }],
    ['lodash', '', { kind: 'range', registryName: 'lodash', registrySpec: '*' }],
    ['lodash', '  ^4.0.0  ', { kind: 'range', registryName: 'lodash', registrySpec: '^4.0.0' }],
    [
      '@prismicio/client',
      '~7.21.0-canary.147e3f2',
      { kind: 'range', registryName: '@prismicio/client', registrySpec: '~7.21.0-canary.147e3f2' },
    ],
    ['react', 'next', { kind: 'tag', registryName: 'react', registrySpec: 'next' }],
    ['pad', 'npm:left-pad@^1.3.0', { kind: 'alias', registryName: 'left-pad', registrySpec: '^1.3.0' }],
    ['core', 'npm:@scope/real@1.0.0', { kind: 'alias', registryName: '@scope/real', registrySpec: '1.0.0' }],
    ['anything', 'npm:left-pad', { kind: 'alias', registryName: 'left-pad', registrySpec: '*' }],
    ['beta', 'npm:left-pad@beta', { kind: 'alias', registryName: 'left-pad', registrySpec: 'beta' }],
    // npm and pnpm read the part after npm: as a package name, so this is the package called "4.3.0".
    ['nuxt', 'npm:4.3.0', { kind: 'alias', registryName: '4.3.0', registrySpec: '*' }],
    // yarn berry reads npm:<range> as a range of the same package (npm would reject "^1.2.0" as a name).
    ['lodash', 'npm:^4.17.0', { kind: 'range', registryName: 'lodash', registrySpec: '^4.17.0' }],
    ['lodash', 'npm:4.17.21 ', { kind: 'alias', registryName: '4.17.21', registrySpec: '*' }],
    // An alias to a non-registry target is classified by the target.
    ['pad', 'npm:left-pad@github:acme/left-pad', { kind: 'git' }],
    ['pad', 'npm:left-pad@file:../left-pad', { kind: 'directory' }],
    ['pad', 'npm:left-pad@https://example.com/left-pad.tgz', { kind: 'remote' }],
    ['repo', 'acme/repo', { kind: 'git' }],
    ['repo', 'github:acme/repo#v1.0.0', { kind: 'git' }],
    ['repo', 'gitlab:acme/repo', { kind: 'git' }],
    ['repo', 'git+ssh://git@github.com/acme/repo.git#semver:^1.0.0', { kind: 'git' }],
    ['repo', 'git+https://gitlab.com/acme/repo.git', { kind: 'git' }],
    ['repo', 'git://github.com/acme/repo.git', { kind: 'git' }],
    ['tar', 'file:vendor/tar-1.0.0.tgz', { kind: 'file' }],
    ['tar', './vendor/tar-1.0.0.tar.gz', { kind: 'file' }],
    ['dir', 'file:../sibling', { kind: 'directory' }],
    ['dir', '../sibling', { kind: 'directory' }],
    ['dir', '~/projects/dir', { kind: 'directory' }],
    ['linked', 'link:../linked', { kind: 'link' }],
    ['portal', 'portal:../portal', { kind: 'link' }],
    ['ws', 'workspace:*', { kind: 'workspace' }],
    ['ws', 'workspace:^', { kind: 'workspace' }],
    ['ws', 'workspace:^1.2.0', { kind: 'workspace' }],
    ['ws', 'workspace:packages/ws', { kind: 'workspace' }],
    ['remote', 'https://example.com/pkg-1.0.0.tgz', { kind: 'remote' }],
    ['remote', 'http://example.com/pkg.tgz', { kind: 'remote' }],
    ['zod', 'catalog:', { kind: 'catalog', registryName: 'zod' }],
    ['react', 'catalog:react18', { kind: 'catalog', registryName: 'react' }],
    [
      'lodash',
      'patch:lodash@npm%3A4.17.21#./.yarn/patches/lodash.patch',
      { kind: 'version', registryName: 'lodash', registrySpec: '4.17.21' },
    ],
    [
      'ts',
      'patch:typescript@npm%3A^5.4.0#optional!builtin<compat/typescript>',
      { kind: 'alias', registryName: 'typescript', registrySpec: '^5.4.0' },
    ],
    ['gen', 'exec:./generate.js', { kind: 'file' }],
  ];
  for (const [name, spec, expected] of cases) {
    it(`${name}@${JSON.stringify(spec)} → ${expected.kind}`, () => {
      assert.deepEqual(classifySpec(name, spec), expected);
    });
  }

  const invalid: [name: string, spec: string, mention: RegExp][] = [
    ['x', 'not a valid spec!', /neither a version, a range, a dist-tag nor a URL/],
    ['x', '%zz', /neither a version/],
    ['@deno/doc', 'jsr:^0.189.1', /JSR registry/],
    ['x', 'catalog:has space', /not a valid catalog reference/],
    ['x', 'link:', /names no folder/],
    ['x', 'svn:whatever', /svn: protocol, which npm does not support/],
    ['x', 'npm:', /not a valid spec for x/],
    ['Not A Name', '1.0.0', /not a valid package name/],
    ['', '1.0.0', /name is empty/],
    ['x', 'patch:nonsense', /not a valid patch: spec/],
  ];
  for (const [name, spec, mention] of invalid) {
    it(`${JSON.stringify(name)}@${JSON.stringify(spec)} → invalid with a reason`, () => {
      const r = classifySpec(name, spec);
      assert.equal(r.kind, 'invalid');
      assert.match(r.error ?? '', mention);
      assert.equal(r.registryName, undefined);
    });
  }

  it('never throws, whatever it is given', () => {
    const weird: unknown[] = [undefined, null, 42, {}, 'npm:@', 'npm:@scope', 'git+', 'file:', '::', '\u0000', 'a'.repeat(10000)];
    for (const w of weird) {
      assert.doesNotThrow(() => classifySpec('x', w as string));
      assert.doesNotThrow(() => classifySpec(w as string, '1.0.0'));
    }
    assert.equal(classifySpec('x', undefined as unknown as string).kind, 'invalid');
  });
});

describe('resolve/spec: the plain-semver shortcut answers what npm-package-arg answers', () => {
  const names = ['lodash', '@scope/pkg', 'JSONStream', 'a'.repeat(215), '.bad', 'node_modules', '@/x', 'ok-name', 'http'];
  const specs = [
    '1.2.3',
    '^1.2.3',
    '~1.2.3',
    '0.0.0',
    '^0.0.1',
    '~0.1.0',
    '1.2.3-beta.1',
    '^1.2.3-rc.1+build',
    '^1.2.3-alpha-1',
    '01.2.3',
    '^01.2.3',
    '1.2.3-01',
    '1.2.3-',
    '^1.2',
    '1.2.x',
    '>=1.2.3',
    '=1.2.3',
    'v1.2.3',
    '^v1.2.3',
    ' 1.2.3',
    '1.2.3 ',
    '999999999.0.0',
    '1234567890.0.0',
    '1.2.3-beta..1',
    '1.2.3-be$ta',
    '*',
    '',
    'latest',
    '^1.2.3 || ^2.0.0',
  ];
  for (const name of names) {
    for (const spec of specs) {
      it(`${JSON.stringify(name.length > 20 ? `${name.slice(0, 17)}...` : name)} ${JSON.stringify(spec)}`, () => {
        const fast = plainSemver(name, spec);
        let byNpa: unknown;
        try {
          byNpa = fromNpa(name, spec.trim());
        } catch {
          byNpa = 'npa refuses';
        }
        if (fast !== undefined) assert.deepEqual(fast, byNpa);
        assert.deepEqual(classifySpec(name, spec).kind, typeof byNpa === 'string' ? 'invalid' : (byNpa as { kind: string }).kind);
      });
    }
  }
  it('answers for the common forms (and so takes the work off npm-package-arg)', () => {
    for (const spec of ['1.2.3', '^1.2.3', '~1.2.3', '^1.2.3-beta.1']) assert.ok(plainSemver('lodash', spec), spec);
    for (const name of ['.bad', 'node_modules', '@/x']) assert.equal(plainSemver(name, '^1.2.3'), undefined, name);
  });
});
