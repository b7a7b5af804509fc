import { strict as assert } from 'node:assert';
import { redactSecrets, replaceSecrets } from '../../../src/verify/format/redact';

/**
 * redactSecrets skips texts that cannot match any of its patterns. The skip must never let a secret
 * through: on every text it answers exactly what the replacements themselves answer.
 */
describe('redaction shortcut: the same answer as the full replacements', () => {
  const samples = [
    'https://user:pass@registry.example/',
    'HTTP://TOKEN@host/x',
    'git+ssh://git@github.com/a/b.git',
    'git+ssh://u:p@github.com/a/b.git',
    'https://host/pkg?token=abc&x=1',
    'https://host/pkg?X-Amz-Signature=abc',
    'see &apikey=zzz here',
    '//registry.example/:_authToken=npm_abc',
    '_auth = "dXNlcjpwYXNz"',
    '_password=cGFzcw==',
    'NPM_CONFIG__AUTHTOKEN=abc',
    'Authorization: Bearer abc.def',
    'authorization:basic Zm9vOmJhcg==',
    'sha512-AbCd+/ef==',
    'lodash@4.17.21',
    'a?b=c',
    'no secrets at all',
    'AUTH',
    'x://y@z',
    '_PassWord = x',
  ];
  for (const s of samples) {
    it(JSON.stringify(s), () => assert.equal(redactSecrets(s), replaceSecrets(s)));
  }
  it('20,000 generated texts made of the characters the patterns look for', () => {
    const pieces = [
      'https://',
      'u:p@',
      '?token=',
      '&sig=',
      '_authToken=',
      'authorization: bearer ',
      '_password = ',
      '://',
      'https',
      'git',
      '@',
      ':',
      '?',
      '&',
      '=',
      'token',
      'auth',
      'Auth',
      '_auth',
      '_password',
      'authorization',
      'bearer ',
      'basic ',
      ' ',
      '"',
      'x',
      'Y',
      '/',
      '#',
      'key',
      'sig',
      '_',
      'Token',
    ];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let redacted = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const n = 1 + rand(10);
      for (let j = 0; j < n; j++) text += pieces[rand(pieces.length)];
      const full = replaceSecrets(text);
      if (full !== text) redacted++;
      assert.equal(redactSecrets(text), full, JSON.stringify(text));
    }
    assert.ok(redacted > 1000, `the corpus exercises the patterns (${redacted} texts redacted)`);
  });
});
