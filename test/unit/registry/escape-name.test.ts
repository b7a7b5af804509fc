import { strict as assert } from 'node:assert';
import npa from 'npm-package-arg';
import { escapeName, RegistryError } from '../../../src/verify/registry';

/** What npm-package-arg says: the escaped name of a registry package with exactly this name, or undefined. */
function npaEscaped(name: string): string | undefined {
  try {
    const p = npa(name);
    return p.registry && p.name === name && p.escapedName ? p.escapedName : undefined;
  } catch {
    return undefined;
  }
}

function ours(name: string): string | undefined {
  try {
    return escapeName(name);
  } catch (err) {
    assert.ok(err instanceof RegistryError, `${JSON.stringify(name)} throws a RegistryError`);
    assert.equal(err.code, 'not-found');
    return undefined;
  }
}

describe('escapeName agrees with npm-package-arg', () => {
  const names = [
    'lodash',
    'Lodash',
    'JSONStream',
    '@scope/pkg',
    '@Scope/Pkg',
    '@scope%2fpkg',
    '@scope/pkg/extra',
    '@/pkg',
    '@scope/',
    'a',
    'a'.repeat(214),
    'a'.repeat(215),
    '.hidden',
    '_under',
    '-dash',
    ' space',
    'space ',
    'sp ace',
    'node_modules',
    'favicon.ico',
    'http',
    'fs',
    'crazy!',
    "it's",
    'tilde~',
    'paren(s)',
    'star*',
    'pkg@1.0.0',
    '@scope/pkg@1',
    'github:a/b',
    'a/b',
    './local',
    '../up',
    '/abs',
    'file:x',
    'git+https://x/y.git',
    'https://example.com/x.tgz',
    'ünïcode',
    'emoji😀',
    'percent%20',
    'query?x',
    'hash#x',
    'colon:x',
    'back\\slash',
    '',
    '@',
    '@@scope/pkg',
    '@scope/@pkg',
    'npm:alias@1',
    'UPPER',
    'with.dot',
    'with_underscore',
    'x'.repeat(300),
    '@s/' + 'y'.repeat(250),
    '\u200bzero-width',
    'tab\tname',
    // path-like names from a hostile lockfile or package.json: never a dot-segment or a second path segment in the URL
    '@../x',
    '@./x',
    '@..%2fx/y',
    '@scope/..',
    '%2e%2e',
    '..%2f..',
    '@scope%2f..%2fx',
  ];
  for (const name of names) {
    it(JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}...` : name), () => {
      assert.equal(ours(name), npaEscaped(name));
    });
  }
  it('an escaped name is one URL path segment that is not a dot-segment', () => {
    for (const name of names) {
      const escaped = ours(name);
      if (escaped === undefined) continue;
      assert.ok(!escaped.includes('/'), escaped);
      assert.ok(escaped !== '.' && escaped !== '..', escaped);
      assert.equal(new URL(`https://registry.example/r/${escaped}`).pathname, `/r/${escaped}`, escaped);
    }
  });
  it('a seeded sample of generated names', () => {
    const alphabet = "abz09-._~!*()'@/%: ABZ#?\\é";
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 3000; i++) {
      let name = '';
      const len = 1 + rand(12);
      for (let j = 0; j < len; j++) name += alphabet[rand(alphabet.length)];
      assert.equal(ours(name), npaEscaped(name), JSON.stringify(name));
    }
  });
});
