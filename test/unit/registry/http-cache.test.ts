import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFixtureRegistry, type FixtureRegistry } from '../../fixture-registry';
import { HttpCache, freshnessLifetime } from '../../../src/verify/registry/httpCache';
import { syntheticPackage, tempDir, testClient } from './helpers';

describe('registry HTTP cache (own, complete bodies only)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('reads Cache-Control: no-store is not stored, no-cache and must-revalidate always revalidate, max-age minus Age', () => {
    assert.equal(freshnessLifetime({ cacheControl: 'no-store' }), undefined);
    assert.equal(freshnessLifetime({ cacheControl: 'no-cache' }), 0);
    assert.equal(freshnessLifetime({ cacheControl: 'max-age=300, must-revalidate' }), 0);
    assert.equal(freshnessLifetime({ cacheControl: 'public, max-age=300' }), 300_000);
    assert.equal(freshnessLifetime({ cacheControl: 'max-age=300', age: '100' }), 200_000);
    assert.equal(freshnessLifetime({}), 0);
  });

  it('an entry that does not read back intact is dropped, never served', async () => {
    const cache = new HttpCache(path.join(tmp.dir, 'http'));
    await cache.put('https://r.example/a', 'application/json', Buffer.from('{"a":1}'), { etag: '"1"', cacheControl: 'max-age=60' });
    const hit = await cache.get('https://r.example/a', 'application/json', 1024);
    assert.equal(hit?.body.toString(), '{"a":1}');
    assert.equal(hit?.fresh, true);
    assert.equal(hit?.etag, '"1"');
    assert.equal(
      await cache.get('https://r.example/a', 'application/vnd.npm.install-v1+json', 1024),
      undefined,
      'another Accept is another entry',
    );
    assert.equal(await cache.get('https://r.example/a', 'application/json', 3), undefined, 'larger than the cap asked for');
    const [file] = (fs.readdirSync(path.join(tmp.dir, 'http', 'entries'), { recursive: true }) as string[])
      .map((f) => path.join(tmp.dir, 'http', 'entries', f))
      .filter((f) => fs.statSync(f).isFile());
    fs.writeFileSync(file!, fs.readFileSync(file!, 'utf8').replace('{"a":1}', '{"a":2}'));
    assert.equal(await cache.get('https://r.example/a', 'application/json', 1024), undefined);
    assert.equal(fs.existsSync(file!), false);
    assert.deepEqual(fs.readdirSync(path.join(tmp.dir, 'http', 'tmp')), []);
  });

  describe('with the fixture registry', () => {
    let registry: FixtureRegistry;
    before(async () => {
      registry = await startFixtureRegistry({
        realworldDir: null,
        cacheControl: 'public, max-age=300',
        extra: [syntheticPackage('alpha', ['1.0.0'])],
      });
    });
    after(() => registry.close());
    beforeEach(() => {
      registry.clearFaults();
      registry.requests.length = 0;
    });

    it('a response still fresh by max-age is served without a request', async () => {
      const cacheDir = path.join(tmp.dir, 'cache');
      const first = await testClient(`${registry.url}/`, tmp.dir, { cacheDir }).getVersion('alpha', '1.0.0');
      const second = await testClient(`${registry.url}/`, tmp.dir, { cacheDir }).getVersion('alpha', '1.0.0');
      assert.deepEqual(second, first);
      assert.equal(registry.requests.length, 1);
    });

    it('a body that is not JSON is not kept: the next client asks again', async () => {
      const cacheDir = path.join(tmp.dir, 'cache');
      registry.fault({ path: '/alpha/1.0.0', nonJson: true, times: 1 });
      await assert.rejects(testClient(`${registry.url}/`, tmp.dir, { cacheDir }).getVersion('alpha', '1.0.0'), /not JSON/);
      assert.equal((await testClient(`${registry.url}/`, tmp.dir, { cacheDir }).getVersion('alpha', '1.0.0')).version, '1.0.0');
      assert.equal(registry.requests.length, 2);
    });
  });
});
