import type { ProvenanceEngine } from '../../src/verify/engine';

/**
 * One verification in its own "process": the engine is disposed afterwards, as a process that ends
 * writes the verdicts still waiting for the disk. A second engine on the same cache then reads them.
 */
export async function verifyOnce(
  engine: ProvenanceEngine,
  request: Parameters<ProvenanceEngine['verify']>[0],
): ReturnType<ProvenanceEngine['verify']> {
  try {
    return await engine.verify(request);
  } finally {
    await engine.dispose();
  }
}
