/**
 * A registry URL with credentials in it (`https://user:token@host/`): the HTTP cache keys its entries by
 * that URL, but the token must not be written out in the entry files.
 * @positions local
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpCache } from '../../src/verify/registry/httpCache';
import { tempDir } from '../unit/registry/helpers';

describe('adversarial: credentials in the HTTP cache files', () => {
  it('an entry for a URL with user-info does not hold the password, and still reads back under its own URL only', async () => {
    const tmp = tempDir();
    try {
      const dir = path.join(tmp.dir, 'http');
      const cache = new HttpCache(dir);
      const url = 'https://me:s3cr3t-token@r.example/alpha';
      await cache.put(url, 'application/json', Buffer.from('{"a":1}'), { etag: '"1"', cacheControl: 'max-age=60' });
      const files = (fs.readdirSync(path.join(dir, 'entries'), { recursive: true }) as string[])
        .map((f) => path.join(dir, 'entries', f))
        .filter((f) => fs.statSync(f).isFile());
      assert.equal(files.length, 1);
      assert.equal(fs.readFileSync(files[0]!, 'utf8').includes('s3cr3t-token'), false);
      assert.equal((await cache.get(url, 'application/json', 1024))?.body.toString(), '{"a":1}');
      assert.equal(await cache.get('https://me:other@r.example/alpha', 'application/json', 1024), undefined);
    } finally {
      tmp.cleanup();
    }
  });
});
