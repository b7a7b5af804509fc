/**
 * Credentials in registry URLs whose password holds a raw '@' (as typed in an .npmrc or on a command
 * line): nothing of the password may be left in messages.
 * @positions local
 */
import { strict as assert } from 'node:assert';
import { redactSecrets } from '../../src/verify/format/redact';
import { redactUrl } from '../../src/verify/registry/errors';

describe('adversarial: redaction of user-info with a raw @', () => {
  it('redactSecrets removes the whole user-info, up to the last @ before the host', () => {
    assert.equal(redactSecrets('registry https://user:p@ss@host.example/npm/ refused'), 'registry https://***@host.example/npm/ refused');
    assert.equal(redactSecrets('https://tok@en@host.example'), 'https://***@host.example');
    assert.equal(redactSecrets('see https://host.example/a@b and mail x@y'), 'see https://host.example/a@b and mail x@y');
    assert.equal(redactSecrets('git+ssh://git@github.com/o/r.git'), 'git+ssh://git@github.com/o/r.git');
  });

  it('redactUrl, given text that is not a URL, removes the whole user-info too', () => {
    const out = redactUrl('not a url //user:p@ss@host.example/x');
    assert.equal(out.includes('ss'), false, out);
  });
});
