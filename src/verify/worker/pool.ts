/**
 * Runs attestation verification in a worker thread when a worker script is available (the bundled
 * dist/verify-worker.js), so the caller's event loop — the editor's extension host — is never blocked by
 * the cryptography. Without one, or if the worker dies, it verifies in-process between yields.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { verifyAttestations, type AttestationInput, type AttestationResult } from '../attestations';
import type { NpmKey } from '../trust';
import type { FromWorker, ToWorker } from './protocol';

export interface AttestationVerifier {
  verify(input: AttestationInput): Promise<AttestationResult>;
  close(): Promise<void>;
}

/** In-process verification (tests, CLI). */
export const inProcessVerifier: AttestationVerifier = {
  verify: async (input) => verifyAttestations(input),
  close: async () => {},
};

function keyFingerprint(keys: NpmKey[]): string {
  const h = createHash('sha256');
  for (const k of keys) {
    h.update(k.keyId);
    h.update(k.usage ?? '');
    h.update(k.publicKey.export({ type: 'spki', format: 'der' }));
    h.update(String(k.validFrom?.getTime() ?? ''));
    h.update(String(k.validUntil?.getTime() ?? ''));
  }
  return h.digest('hex');
}

export class WorkerVerifier implements AttestationVerifier {
  private worker?: Worker;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: AttestationResult) => void; reject: (e: Error) => void }>();
  private readonly sentTrust = new Set<string>();
  private readonly trustIds = new WeakMap<object, Map<NpmKey[], string>>();
  private idle?: NodeJS.Timeout;

  constructor(
    private readonly script: string,
    private readonly idleMs = 30_000,
  ) {}

  static available(script: string): boolean {
    return fs.existsSync(script);
  }

  private trustId(input: AttestationInput): string {
    let byKeys = this.trustIds.get(input.trustedRoot as object);
    if (!byKeys) {
      byKeys = new Map();
      this.trustIds.set(input.trustedRoot as object, byKeys);
    }
    let id = byKeys.get(input.npmKeys);
    if (!id) {
      id = createHash('sha256').update(JSON.stringify(input.trustedRoot)).update(keyFingerprint(input.npmKeys)).digest('hex');
      byKeys.set(input.npmKeys, id);
    }
    return id;
  }

  private start(): Worker {
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (msg: FromWorker) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
      this.scheduleIdle();
    });
    const fail = (err: Error) => {
      this.worker = undefined;
      this.sentTrust.clear();
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => {
      this.broken = true;
      fail(err);
    });
    worker.on('exit', (code) => {
      if (this.pending.size) fail(new Error(`verification worker exited with code ${code}`));
      this.worker = undefined;
      this.sentTrust.clear();
    });
    return worker;
  }

  private scheduleIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.pending.size === 0) {
      this.idle = setTimeout(() => void this.close(), this.idleMs);
      this.idle.unref();
    }
  }

  async verify(input: AttestationInput): Promise<AttestationResult> {
    if (this.broken) return verifyAttestations(input);
    if (this.idle) clearTimeout(this.idle);
    this.worker ??= this.start();
    const worker = this.worker;
    const trustId = this.trustId(input);
    if (!this.sentTrust.has(trustId)) {
      worker.postMessage({ type: 'trust', trustId, trustedRoot: input.trustedRoot, npmKeys: input.npmKeys } satisfies ToWorker);
      this.sentTrust.add(trustId);
    }
    const id = this.nextId++;
    const message: ToWorker = {
      type: 'verify',
      id,
      trustId,
      name: input.name,
      version: input.version,
      integrity: input.integrity,
      document: input.document,
      publishTime: input.publishTime,
    };
    try {
      return await new Promise<AttestationResult>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage(message);
      }).finally(() => {
        if (this.pending.size === 0) this.worker?.unref();
      });
    } catch {
      // A worker that fails is not a verdict about the package: verify here instead.
      return verifyAttestations(input);
    }
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    this.sentTrust.clear();
    if (w) await w.terminate();
  }
}
