/**
 * Secret query parameters: the URL form (redactUrl, for RegistryError.url) and the text form
 * (redactSecrets, for messages) must agree on which parameter names hold a secret.
 * @positions local
 */
import { strict as assert } from 'node:assert';
import { redactSecrets } from '../../src/verify/format/redact';
import { redactUrl } from '../../src/verify/registry/errors';

describe('adversarial: redaction of secret query parameters', () => {
  for (const name of ['access_token', 'X-Credential', 'passwd', 'sig', 'apikey', 'auth']) {
    it(`?${name}=… is redacted by both redactUrl and redactSecrets`, () => {
      const url = `https://r.example/pkg?${name}=hunter2&page=1`;
      assert.equal(redactUrl(url).includes('hunter2'), false, redactUrl(url));
      assert.equal(redactSecrets(url).includes('hunter2'), false, redactSecrets(url));
      assert.ok(redactUrl(url).includes('page=1'));
    });
  }
});
