/**
 * Wiring the trust-history service to an engine: full packuments through a registry client configured like
 * the engine's (same .npmrc, registry, attestation registry and cache folder — its HTTP cache revalidates
 * with ETags), versions verified by the engine's `verify`. Used by the CLI; the editor can use it the same way.
 */
import type { EngineOptions, ProvenanceEngineApi } from '../api';
import type { Policy } from '../policy/types';
import { RegistryClient } from '../registry';
import { TrustHistory } from './service';

export function createTrustHistory(engine: Pick<ProvenanceEngineApi, 'verify'>, options: EngineOptions, policy?: Policy): TrustHistory {
  let client: RegistryClient | undefined;
  const registryClient = (): RegistryClient =>
    (client ??= new RegistryClient({
      registry: options.registry,
      attestationRegistry: options.attestationRegistry,
      npmrcDir: options.npmrcDir,
      ...(options.useProjectNpmrc !== undefined ? { useProjectNpmrc: options.useProjectNpmrc } : {}),
      cacheDir: options.cacheDir,
      offline: options.offline,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.httpAgent ? { agent: options.httpAgent } : {}),
    }));
  return new TrustHistory(
    {
      fetchPackument: (name, o) => registryClient().getPackument(name, { full: true, ...o }),
      verifyVersion: (request, o) => engine.verify(request, o ?? {}),
    },
    policy ? { policy } : {},
  );
}
