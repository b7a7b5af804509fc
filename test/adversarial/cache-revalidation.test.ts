/**
 * A registry's revalidation answers against the HTTP cache: a 304 is only an answer to a conditional
 * request, and a 304 that omits the validators does not make the entry unrevalidatable.
 * Real loopback HTTP server; no timing is asserted.
 * @positions mirror, local
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RegistryError } from '../../src/verify/registry';
import { fakeIntegrity, tempDir, testClient } from '../unit/registry/helpers';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

function versionDoc(version: string, seed: string): string {
  return JSON.stringify({
    name: 'alpha',
    version,
    dist: { integrity: fakeIntegrity(seed), tarball: `http://127.0.0.1/alpha/-/alpha-${version}.tgz` },
  });
}

async function scriptedServer(answers: Answer[]): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const a = answers.shift() ?? { status: 500 };
    res.writeHead(a.status, a.headers ?? {});
    res.end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('adversarial: HTTP cache revalidation answers', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('a 304 to a request without If-None-Match / If-Modified-Since does not serve the stale cached body', async () => {
    const server = await scriptedServer([
      { status: 200, headers: { 'content-type': 'application/json' }, body: versionDoc('1.0.0', 'old') },
      { status: 304 },
    ]);
    try {
      const client = testClient(server.url, tmp.dir, { cacheDir: path.join(tmp.dir, 'cache'), heuristicFreshnessMs: 0 });
      const first = await client.getVersion('alpha', '1.0.0');
      assert.equal(first.dist.integrity, fakeIntegrity('old'));
      await assert.rejects(
        client.getVersion('alpha', '1.0.0'),
        (err: unknown) => err instanceof RegistryError && /not conditional/.test(err.message),
      );
      assert.equal(server.seen[1]!['if-none-match'], undefined);
      assert.equal(server.seen[1]!['if-modified-since'], undefined);
    } finally {
      await server.close();
    }
  });

  it('a 304 without an ETag keeps the stored one: the next request is still conditional', async () => {
    const doc = versionDoc('1.0.0', 'v1');
    const server = await scriptedServer([
      { status: 200, headers: { etag: '"v1"', 'cache-control': 'no-cache' }, body: doc },
      { status: 304 },
      { status: 304, headers: { etag: '"v1"' } },
    ]);
    try {
      const client = testClient(server.url, tmp.dir, { cacheDir: path.join(tmp.dir, 'cache') });
      for (let i = 0; i < 3; i++) assert.equal((await client.getVersion('alpha', '1.0.0')).dist.integrity, fakeIntegrity('v1'));
      assert.equal(server.seen.length, 3, 'never served without asking (no-cache)');
      assert.equal(server.seen[1]!['if-none-match'], '"v1"');
      assert.equal(server.seen[2]!['if-none-match'], '"v1"');
    } finally {
      await server.close();
    }
  });
});
