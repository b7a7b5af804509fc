/**
 * A loopback delay proxy for benchmarks: listens on 127.0.0.1, forwards every GET to an upstream
 * registry (default: the registry npm's configuration names), adds a fixed delay before each answer,
 * and stops by itself after a period without requests (and after a hard lifetime), so it can never be
 * left running.
 *
 *   npx tsx scripts/bench/proxy.ts [--upstream URL] [--latency 25] [--port 0] [--idle-exit-ms 60000]
 *                                  [--max-life-ms 1800000] [--no-cache-headers]
 *
 * prints its URL (http://127.0.0.1:PORT/) on stdout. Only status, content-type, content-length and
 * content-encoding are passed back, plus ETag / Last-Modified / Cache-Control unless --no-cache-headers
 * (then it answers like a mirror that sends no caching headers at all). Request headers passed on:
 * accept, accept-encoding, if-none-match, if-modified-since, user-agent. No credentials are added: an
 * upstream that needs them is out of scope.
 */
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

export interface DelayProxyOptions {
  upstream: string;
  latencyMs?: number;
  port?: number;
  /** Stop after this long without a request. Default 60 s. */
  idleExitMs?: number;
  /** Stop after this long whatever happens. Default 30 min. */
  maxLifeMs?: number;
  /** Pass ETag / Last-Modified / Cache-Control back. Default true. */
  cacheHeaders?: boolean;
}

export interface DelayProxy {
  /** http://127.0.0.1:PORT/ (with the upstream's path appended, e.g. /mirror/). */
  url: string;
  /** Requests forwarded so far. */
  readonly requests: number;
  close(): Promise<void>;
  /** Resolves when the proxy has stopped (closed, idle or at the end of its life). */
  stopped: Promise<void>;
}

const PASS_REQUEST = ['accept', 'accept-encoding', 'if-none-match', 'if-modified-since', 'user-agent'];

export function npmConfiguredRegistry(): string {
  return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const upstream = new URL(options.upstream.replace(/\/?$/, '/'));
  const client = upstream.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 64 });
  const latency = options.latencyMs ?? 25;
  const passBack = [
    'content-type',
    'content-length',
    'content-encoding',
    ...(options.cacheHeaders === false ? [] : ['etag', 'last-modified', 'cache-control']),
  ];
  let count = 0;
  let idle: NodeJS.Timeout | undefined;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));

  const server = http.createServer((req, res) => {
    count++;
    armIdle();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const target = new URL(upstream.pathname.replace(/\/$/, '') + (req.url ?? '/'), upstream);
    const headers: Record<string, string> = {};
    for (const h of PASS_REQUEST) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    setTimeout(() => {
      const up = client.request(target, { method: req.method, headers, agent }, (upRes) => {
        const out: Record<string, string> = {};
        for (const h of passBack) {
          const v = upRes.headers[h];
          if (typeof v === 'string') out[h] = v;
        }
        res.writeHead(upRes.statusCode ?? 502, out);
        upRes.pipe(res);
      });
      up.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${err.message}`);
      });
      req.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      up.end();
    }, latency);
  });
  server.keepAliveTimeout = 5000;

  const close = async (): Promise<void> => {
    if (idle) clearTimeout(idle);
    clearTimeout(life);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    agent.destroy();
    stop();
  };
  const armIdle = (): void => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => void close(), options.idleExitMs ?? 60_000);
    idle.unref();
  };
  const life = setTimeout(() => void close(), options.maxLifeMs ?? 30 * 60_000);
  life.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  armIdle();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return count;
    },
    close,
    stopped,
  };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      latency: { type: 'string', default: '25' },
      port: { type: 'string', default: '0' },
      'idle-exit-ms': { type: 'string', default: '60000' },
      'max-life-ms': { type: 'string', default: String(30 * 60_000) },
      'no-cache-headers': { type: 'boolean', default: false },
    },
  });
  void (async () => {
    const proxy = await startDelayProxy({
      upstream: values.upstream ?? npmConfiguredRegistry(),
      latencyMs: Number(values.latency),
      port: Number(values.port),
      idleExitMs: Number(values['idle-exit-ms']),
      maxLifeMs: Number(values['max-life-ms']),
      cacheHeaders: !values['no-cache-headers'],
    });
    process.stdout.write(`${proxy.url}\n`);
    await proxy.stopped;
    process.stderr.write(`proxy stopped after ${proxy.requests} requests\n`);
  })();
}
