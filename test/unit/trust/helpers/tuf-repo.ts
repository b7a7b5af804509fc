/**
 * A tiny TUF repository served on loopback: one ed25519 key for every role, no consistent snapshots,
 * metadata signed over canonical JSON (@sigstore/core's canonicalize). Enough for @sigstore/tuf's client
 * to refresh and download targets from it, so the TUF path of loadTrustMaterial can be tested offline.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from '@sigstore/core';

export interface TufRepo {
  url: string;
  /** The repository's root.json (to anchor a client on). */
  rootJson: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

export interface TufRepoOptions {
  targets: Record<string, string>;
  /** Never answer (to test timeouts). */
  hang?: boolean;
}

export async function startTufRepo(opts: TufRepoOptions): Promise<TufRepo> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const rawPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: rawPublic } };
  const keyid = createHash('sha256').update(json.canonicalize(key)).digest('hex');
  const expires = new Date(Date.now() + 365 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const common = { spec_version: '1.0.31', version: 1, expires };
  const role = { keyids: [keyid], threshold: 1 };

  const signed = (body: Record<string, unknown>): string => {
    const sig = sign(null, Buffer.from(json.canonicalize(body)), privateKey).toString('hex');
    return JSON.stringify({ signatures: [{ keyid, sig }], signed: body });
  };

  const targets: Record<string, { length: number; hashes: { sha256: string } }> = {};
  for (const [name, content] of Object.entries(opts.targets)) {
    targets[name] = { length: Buffer.byteLength(content), hashes: { sha256: createHash('sha256').update(content).digest('hex') } };
  }
  const files = new Map<string, string>([
    ['/1.root.json', ''],
    ['/timestamp.json', signed({ _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } })],
    ['/snapshot.json', signed({ _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } })],
    ['/targets.json', signed({ _type: 'targets', ...common, targets })],
  ]);
  const rootJson = signed({
    _type: 'root',
    ...common,
    consistent_snapshot: false,
    keys: { [keyid]: key },
    roles: { root: role, timestamp: role, snapshot: role, targets: role },
  });
  files.set('/1.root.json', rootJson);
  for (const [name, content] of Object.entries(opts.targets)) files.set(`/targets/${name}`, content);

  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(p);
    if (opts.hang) return; // leave the request open
    const body = files.get(p);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rootJson,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
