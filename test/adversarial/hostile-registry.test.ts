/**
 * A hostile registry: endless, compressed and empty bodies, credentials in the registry URL.
 * Real loopback HTTP servers (never a stubbed fetch); no timing is asserted.
 * @positions mirror
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ProvenanceEngine } from '../../src/verify/engine';
import { RegistryError } from '../../src/verify/registry';
import { startFixtureRegistry, type FixtureRegistry } from '../fixture-registry';
import { syntheticPackage, tempDir, testClient } from '../unit/registry/helpers';

interface EndlessServer {
  url: string;
  /** Bytes handed to the socket for each response, by path. */
  sent: Map<string, number>;
  /** Resolves when the response for `path` is over (finished or cut by the client). */
  closed(path: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Answers 200 to every request with a body that never ends (a JSON string of 'a's), up to `hardLimit`
 * bytes so that a client that never stops reading does not hang the test: it fails it instead.
 */
async function startEndlessServer(hardLimit: number, withLength = false): Promise<EndlessServer> {
  const sent = new Map<string, number>();
  const waiters = new Map<string, { done: boolean; resolve: () => void; promise: Promise<void> }>();
  const waiter = (p: string): { done: boolean; resolve: () => void; promise: Promise<void> } => {
    let w = waiters.get(p);
    if (!w) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      w = { done: false, resolve, promise };
      waiters.set(p, w);
    }
    return w;
  };
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    sent.set(p, 0);
    res.writeHead(200, {
      'content-type': 'application/json',
      etag: '"endless"',
      'cache-control': 'max-age=300',
      ...(withLength ? { 'content-length': String(hardLimit) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    res.write('{"name":"');
    const pump = (): void => {
      while (!res.destroyed && (sent.get(p) ?? 0) < hardLimit) {
        sent.set(p, (sent.get(p) ?? 0) + chunk.length);
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => {
      res.removeAllListeners('drain');
      const w = waiter(p);
      w.done = true;
      w.resolve();
    });
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    sent,
    closed: (p) => waiter(p).promise,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every file under `dir` (recursively); [] when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

const MB = 1024 * 1024;

describe('hostile registry', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('pl-hostile-');
  });
  afterEach(() => tmp.cleanup());

  describe('a body that never ends', () => {
    for (const withLength of [false, true]) {
      it(`with the HTTP cache on, the request is cut at the cap and nothing is left in the cache${withLength ? ' (huge Content-Length)' : ' (chunked)'}`, async () => {
        const server = await startEndlessServer(256 * MB, withLength);
        try {
          const cacheDir = path.join(tmp.dir, 'cache');
          const client = testClient(server.url, tmp.dir, { cacheDir, limits: { versionBytes: 1 * MB }, retry: { retries: 0 } });
          await assert.rejects(client.getVersion('endless', '1.0.0'), (err: unknown) => {
            assert.ok(err instanceof RegistryError, String(err));
            assert.equal(err.code, 'malformed-response');
            assert.match(err.message, /larger than 1 MB/);
            return true;
          });
          await server.closed('/endless/1.0.0');
          const sent = server.sent.get('/endless/1.0.0') ?? 0;
          // the socket buffers on both sides hold a few MB at most; a client reading to the end takes all 256 MB
          assert.ok(sent < 32 * MB, `the server managed to send ${Math.round(sent / MB)} MB against a 1 MB cap`);
          assert.deepEqual(filesUnder(path.join(cacheDir, 'http', 'tmp')), [], 'no temporary cache file is left');
          // nothing about the refused body is in the cache either: a second client asks again
          await assert.rejects(testClient(server.url, tmp.dir, { cacheDir, offline: true }).getVersion('endless', '1.0.0'), /offline/);
        } finally {
          await server.close();
        }
      });
    }

    it('a request the caller cancels mid-body is cut at once and leaves nothing in the cache', async () => {
      const server = await startEndlessServer(256 * MB);
      try {
        const cacheDir = path.join(tmp.dir, 'cache');
        const client = testClient(server.url, tmp.dir, { cacheDir, limits: { versionBytes: 200 * MB }, retry: { retries: 0 } });
        const controller = new AbortController();
        const pending = client.getVersion('endless', '1.0.0', { signal: controller.signal });
        // wait (by condition, not by time) until the body is flowing, then cancel
        while ((server.sent.get('/endless/1.0.0') ?? 0) < 1 * MB) await new Promise((r) => setTimeout(r, 5));
        controller.abort();
        await assert.rejects(pending, (err: unknown) => err instanceof RegistryError && err.code === 'cancelled');
        await server.closed('/endless/1.0.0');
        const sent = server.sent.get('/endless/1.0.0') ?? 0;
        assert.ok(sent < 64 * MB, `the server managed to send ${Math.round(sent / MB)} MB after the request was cancelled`);
        assert.deepEqual(filesUnder(path.join(cacheDir, 'http', 'tmp')), []);
      } finally {
        await server.close();
      }
    });

    it('the verdict is unavailable (malformed-response) with the reason, and the cache folder has no leftovers', async () => {
      const server = await startEndlessServer(320 * MB);
      const cacheDir = path.join(tmp.dir, 'cache');
      const engine = new ProvenanceEngine({
        registry: server.url,
        attestationRegistry: '',
        refreshTrust: false,
        useProjectNpmrc: false,
        cacheDir,
        timeoutMs: 60_000,
      });
      try {
        const verdict = await engine.verify({ name: 'endless', version: '1.0.0' });
        assert.equal(verdict.status, 'unavailable');
        assert.equal(verdict.reason?.code, 'malformed-response');
        assert.match(verdict.reason!.message, /version document of endless@1\.0\.0: the response is larger than 10 MB/);
        await server.closed('/endless/1.0.0');
        const sent = server.sent.get('/endless/1.0.0') ?? 0;
        assert.ok(sent < 40 * MB, `the server managed to send ${Math.round(sent / MB)} MB against a 10 MB cap`);
        assert.deepEqual(filesUnder(path.join(cacheDir, 'http', 'tmp')), []);
      } finally {
        await engine.dispose();
        await server.close();
      }
    });
  });

  describe('an empty 200 body', () => {
    let registry: FixtureRegistry;
    before(async () => {
      registry = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('alpha', ['1.0.0'])] });
    });
    after(() => registry.close());
    beforeEach(() => registry.clearFaults());

    for (const cache of [true, false]) {
      it(`is a malformed response, not a network error (${cache ? 'with' : 'without'} the HTTP cache)`, async () => {
        registry.fault({ path: '/alpha/1.0.0', status: 200, body: '' });
        const client = testClient(`${registry.url}/`, tmp.dir, {
          ...(cache ? { cacheDir: path.join(tmp.dir, 'cache') } : {}),
          retry: { retries: 0 },
        });
        await assert.rejects(client.getVersion('alpha', '1.0.0'), (err: unknown) => {
          assert.ok(err instanceof RegistryError, String(err));
          assert.equal(err.code, 'malformed-response', err.message);
          assert.match(err.message, /empty/);
          return true;
        });
        if (cache) assert.deepEqual(filesUnder(path.join(tmp.dir, 'cache', 'http', 'tmp')), []);
      });
    }
  });

  describe('a compressed body (Content-Encoding: gzip)', () => {
    /** Serves `body` gzip-compressed at every path; counts the compressed bytes sent. */
    async function startGzipServer(body: Buffer): Promise<{ url: string; close(): Promise<void> }> {
      const compressed = zlib.gzipSync(body);
      const server = http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(compressed.length) });
        res.end(compressed);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    }

    it('a small compressed body that inflates past the cap is refused at the cap, after decompression, and not cached', async () => {
      // about 64 kB on the wire, 64 MB inflated: the cap is on what the body becomes
      const bomb = Buffer.concat([Buffer.from('{"name":"'), Buffer.alloc(64 * MB, 'a'), Buffer.from('"}')]);
      const server = await startGzipServer(bomb);
      try {
        const cacheDir = path.join(tmp.dir, 'cache');
        const client = testClient(server.url, tmp.dir, { cacheDir, limits: { versionBytes: 1 * MB }, retry: { retries: 0 } });
        await assert.rejects(client.getVersion('bomb', '1.0.0'), (err: unknown) => {
          assert.ok(err instanceof RegistryError, String(err));
          assert.equal(err.code, 'malformed-response');
          assert.match(err.message, /larger than 1 MB/);
          return true;
        });
        await assert.rejects(testClient(server.url, tmp.dir, { cacheDir, offline: true }).getVersion('bomb', '1.0.0'), /offline/);
      } finally {
        await server.close();
      }
    });

    it("a genuine document sent compressed is read as the registry's own (the client inflates what npm's fetch inflates)", async () => {
      const registry = await startFixtureRegistry({ realworldDir: null, extra: [syntheticPackage('alpha', ['1.0.0'])] });
      let server: { url: string; close(): Promise<void> } | undefined;
      try {
        const plain = await testClient(`${registry.url}/`, tmp.dir).getVersion('alpha', '1.0.0');
        const raw = await new Promise<Buffer>((resolve, reject) => {
          http
            .get(`${registry.url}/alpha/1.0.0`, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve(Buffer.concat(chunks)));
            })
            .on('error', reject);
        });
        server = await startGzipServer(raw);
        assert.deepEqual(await testClient(server.url, tmp.dir).getVersion('alpha', '1.0.0'), plain);
      } finally {
        await server?.close();
        await registry.close();
      }
    });
  });
});
