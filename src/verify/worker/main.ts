/**
 * Worker thread entry (bundled to dist/verify-worker.js): runs the synchronous Sigstore checks of
 * ../attestations off the caller's event loop. Trust material arrives once per trust id and stays, so
 * the verifier built from it is reused.
 */
import { parentPort } from 'node:worker_threads';
import { verifyAttestations } from '../attestations';
import type { FromWorker, ToWorker, TrustMessage } from './protocol';

const trusts = new Map<string, TrustMessage>();

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.type === 'trust') {
    trusts.set(msg.trustId, msg);
    return;
  }
  let reply: FromWorker;
  try {
    const trust = trusts.get(msg.trustId);
    if (!trust) throw new Error(`unknown trust material ${msg.trustId}`);
    const result = verifyAttestations({
      name: msg.name,
      version: msg.version,
      integrity: msg.integrity,
      document: msg.document,
      trustedRoot: trust.trustedRoot,
      npmKeys: trust.npmKeys,
      publishTime: msg.publishTime,
      gitlabIssuers: msg.gitlabIssuers,
      now: msg.now,
    });
    reply = { id: msg.id, result };
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
