import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvenanceEngine } from '../../../src/verify/engine';
import { startFixtureRegistry, type FixtureRegistry } from '../../fixture-registry';
import { realworldCases } from '../../support/realworld';

describe('engine: prefetch (the registry keys asked for while a scan reads the project)', function () {
  let registry: FixtureRegistry;
  let tmp: string;
  const c = realworldCases().find((x) => x.expected === 'verified')!;

  before(async () => {
    registry = await startFixtureRegistry();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-prefetch-'));
  });
  after(async () => {
    await registry.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const engine = (registryUrl: string) =>
    new ProvenanceEngine({
      registry: registryUrl,
      attestationRegistry: '',
      refreshTrust: false,
      useProjectNpmrc: false,
      cacheDir: fs.mkdtempSync(path.join(tmp, 'cache-')),
    });

  it('prefetch asks for the keys once, however often called; the verification that follows uses that answer', async () => {
    const e = engine(`${registry.url}/case/${c.id}/`);
    registry.requests.length = 0;
    e.prefetch();
    e.prefetch(); // twice: still one request
    const v = await e.verify({ name: c.name, version: c.version });
    assert.equal(v.status, 'verified', v.reason?.message);
    const urls = registry.requests.map((r) => r.url);
    assert.equal(urls.filter((u) => u.endsWith('/-/npm/v1/keys')).length, 1, urls.join('\n'));
    assert.ok(urls[0]!.endsWith('/-/npm/v1/keys'), `the keys come first: ${urls.join(', ')}`);
    await e.dispose();
  });

  it('a registry that cannot be reached: prefetch throws nothing, and the verification says what happened', async () => {
    const e = engine('http://127.0.0.1:9/');
    let unhandled: unknown;
    const onUnhandled = (reason: unknown): void => {
      unhandled = reason;
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      e.prefetch();
      const v = await e.verify({ name: c.name, version: c.version });
      assert.equal(v.status, 'unavailable');
      assert.equal(v.reason?.code, 'network-error');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(unhandled, undefined);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await e.dispose();
    }
  });
});
