/**
 * Creates engines on first use. The engine module (and with it sigstore, the registry client and the
 * lockfile parsers) is `require`d inside `loadEngineModule`, never at activation: esbuild bundles it,
 * but wraps it in a lazy initialiser that only runs when this function is first called.
 * No `vscode` import.
 */
import type { EngineOptions, ProvenanceEngineApi } from '../../verify/api';
import type { RegistryObservation } from '../../verify/types';

type EngineModule = typeof import('../../verify/engine');
type ScanModule = typeof import('../../verify/scan');

let engineModule: EngineModule | undefined;
let scanModule: ScanModule | undefined;

/** Loads the engine module (first call only). */
export function loadEngineModule(): EngineModule {
  if (!engineModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    engineModule = require('../../verify/engine') as EngineModule;
  }
  return engineModule;
}

/** Loads the shared project-scan module (first call only). */
export function loadScanModule(): ScanModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  scanModule ??= require('../../verify/scan') as ScanModule;
  return scanModule;
}

function disposeEngine(engine: ProvenanceEngineApi | undefined): void {
  try {
    void engine?.dispose?.().catch(() => undefined);
  } catch {
    // an engine that cannot be stopped is dropped anyway
  }
}

export type EngineFactory = (options: EngineOptions) => ProvenanceEngineApi;

export const defaultEngineFactory: EngineFactory = (options) => new (loadEngineModule().ProvenanceEngine)(options);

/**
 * One engine per folder whose `.npmrc` applies (a package.json's directory), all sharing the same
 * options and persistent cache. `reset()` drops them all (settings or trust changed).
 */
export class EngineHost {
  private engines = new Map<string, ProvenanceEngineApi>();

  constructor(
    private readonly baseOptions: () => EngineOptions,
    private readonly factory: EngineFactory = defaultEngineFactory,
    private readonly maxEngines = 16,
  ) {}

  get(npmrcDir: string): ProvenanceEngineApi {
    let engine = this.engines.get(npmrcDir);
    if (engine) {
      // Most recently used last.
      this.engines.delete(npmrcDir);
      this.engines.set(npmrcDir, engine);
      return engine;
    }
    engine = this.factory({ ...this.baseOptions(), npmrcDir });
    this.engines.set(npmrcDir, engine);
    while (this.engines.size > this.maxEngines) {
      const oldest = this.engines.keys().next().value as string;
      disposeEngine(this.engines.get(oldest));
      this.engines.delete(oldest);
    }
    return engine;
  }

  /** The engine instances created so far (for observations, cache clearing). */
  all(): ProvenanceEngineApi[] {
    return [...this.engines.values()];
  }

  /** Drops every engine (stopping their verification workers). */
  reset(): void {
    for (const engine of this.engines.values()) disposeEngine(engine);
    this.engines.clear();
  }

  dispose(): void {
    this.reset();
  }

  observations(): RegistryObservation[] {
    const byRegistry = new Map<string, RegistryObservation>();
    for (const engine of this.engines.values()) {
      let list: RegistryObservation[] = [];
      try {
        list = engine.registryObservations();
      } catch {
        list = [];
      }
      for (const o of list) {
        const seen = byRegistry.get(o.registry);
        if (!seen || o.versionsSeen > seen.versionsSeen) byRegistry.set(o.registry, o);
      }
    }
    return [...byRegistry.values()];
  }
}
