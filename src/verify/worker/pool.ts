/**
 * Runs attestation verification in a worker thread when a worker script is available (the bundled
 * dist/verify-worker.js), so the caller's event loop — the editor's extension host — is never blocked by
 * the cryptography. Without one, or if the worker dies, it verifies in-process between yields.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

/**
 * How many verification workers to run: one per core but one, which the main thread keeps (at lockfile
 * scale it is as busy as a worker: fetching, registry signatures, decisions — measured at 1,000 packages,
 * 3.5 s of main-thread CPU against 4 s of Sigstore checks), at least one, at most `max` (each worker holds
 * its own copy of the Sigstore libraries, 20–25 MB of peak RSS). `override` (e.g. PROVENANCE_LENS_WORKERS)
 * wins when it is a positive whole number.
 */
export function poolSize(cores: number = availableCores(), override?: string | number, max = 4): number {
  const wanted = typeof override === 'string' ? Number(override.trim() || NaN) : override;
  if (wanted !== undefined && Number.isInteger(wanted) && wanted >= 1) return Math.min(wanted, 64);
  return Math.max(1, Math.min(max, (Math.floor(cores) || 1) - 1));
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

interface Slot {
  worker: Worker;
  /** Requests sent to this worker and not answered yet. */
  busy: number;
  /** Trust ids this worker has received. */
  sentTrust: Set<string>;
}

/**
 * A pool of verification workers. A request goes to the least busy worker; a new worker is started
 * only while every running one is busy and the pool is below its size, so a handful of packages uses
 * one worker and a lockfile uses them all. Idle workers are stopped after `idleMs`.
 */
export class WorkerVerifier implements AttestationVerifier {
  private slots: Slot[] = [];
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, { slot: Slot; resolve: (r: AttestationResult) => void; reject: (e: Error) => void }>();
  private readonly trustIds = new WeakMap<object, Map<NpmKey[], string>>();
  private idle?: NodeJS.Timeout;
  readonly size: number;

  constructor(
    private readonly script: string,
    private readonly idleMs = 30_000,
    size: number = poolSize(availableCores(), process.env.PROVENANCE_LENS_WORKERS),
  ) {
    this.size = Math.max(1, Math.floor(size));
  }

  static available(script: string): boolean {
    return fs.existsSync(script);
  }

  /** Workers running now (for tests and diagnostics). */
  get running(): number {
    return this.slots.length;
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

  private start(): Slot {
    // A small young generation: a Sigstore check's garbage dies young, and the default (tens of MB that a
    // busy worker fills before collecting) was a fifth of a lockfile scan's peak RSS.
    const worker = new Worker(this.script, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.unref();
    const slot: Slot = { worker, busy: 0, sentTrust: new Set() };
    worker.on('message', (msg: FromWorker) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      slot.busy--;
      if (slot.busy === 0) worker.unref();
      if ('error' in msg) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
      this.scheduleIdle();
    });
    const fail = (err: Error) => {
      this.slots = this.slots.filter((s) => s !== slot);
      for (const [id, p] of this.pending) {
        if (p.slot !== slot) continue;
        this.pending.delete(id);
        p.reject(err);
      }
      slot.busy = 0;
    };
    worker.on('error', (err) => {
      this.broken = true;
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`verification worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  /** The least busy worker; a new one while all are busy and the pool is not full. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.busy < best.busy) best = s;
    if (!best || (best.busy > 0 && this.slots.length < this.size)) return this.start();
    return best;
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
    const slot = this.pick();
    const trustId = this.trustId(input);
    if (!slot.sentTrust.has(trustId)) {
      slot.worker.postMessage({ type: 'trust', trustId, trustedRoot: input.trustedRoot, npmKeys: input.npmKeys } satisfies ToWorker);
      slot.sentTrust.add(trustId);
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
      // everything verifyAttestations reads besides the trust material: the same input, the same verdict
      gitlabIssuers: input.gitlabIssuers,
      now: input.now,
    };
    try {
      return await new Promise<AttestationResult>((resolve, reject) => {
        this.pending.set(id, { slot, resolve, reject });
        slot.busy++;
        slot.worker.ref();
        slot.worker.postMessage(message);
      });
    } catch {
      // A worker that fails is not a verdict about the package: verify here instead.
      return verifyAttestations(input);
    }
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
