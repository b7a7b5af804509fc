/**
 * Looking up yarn lockfile entries (classic and berry) by descriptor `name@spec`.
 */
import type { LockedPackage } from '../../types';

export interface DescriptorIndex {
  /** Record that `name@spec` resolves to `pkg`. `binding` is berry's `::locator=...` part, if any. */
  add(name: string, spec: string, pkg: LockedPackage, binding?: string): void;
  /**
   * The package the first matching spec resolves to. When several entries list that spec, the one bound to
   * `importerLocator` wins (berry file:/link: descriptors are per importer), otherwise the last (as yarn reads them). When no spec matches but the lockfile locks exactly one
   * version of `name`, that one is returned: it is what is installed, and the caller can tell it is stale.
   */
  find(name: string, specs: string[], importerLocator?: (binding: string) => boolean): LockedPackage | undefined;
  /** Only an entry keyed by one of `specs` (no single-version fallback). */
  findExact(name: string, specs: string[], importerLocator?: (binding: string) => boolean): LockedPackage | undefined;
  /** The only locked version of `name`, when there is exactly one. */
  only(name: string): LockedPackage | undefined;
}

export function createDescriptorIndex(): DescriptorIndex {
  const bySpec = new Map<string, { pkg: LockedPackage; binding?: string }[]>();
  const byName = new Map<string, Set<LockedPackage>>();
  return {
    add(name, spec, pkg, binding) {
      const key = `${name}@${spec}`;
      const list = bySpec.get(key) ?? [];
      list.push({ pkg, binding });
      bySpec.set(key, list);
      const set = byName.get(name) ?? new Set<LockedPackage>();
      set.add(pkg);
      byName.set(name, set);
    },
    find(name, specs, importerLocator) {
      return this.findExact(name, specs, importerLocator) ?? this.only(name);
    },
    findExact(name, specs, importerLocator) {
      for (const spec of specs) {
        const list = bySpec.get(`${name}@${spec}`);
        if (!list || list.length === 0) continue;
        if (list.length > 1 && importerLocator) {
          const bound = list.find((e) => e.binding !== undefined && importerLocator(e.binding));
          if (bound) return bound.pkg;
        }
        return list[list.length - 1].pkg; // yarn keeps the last entry listing a descriptor
      }
      return undefined;
    },
    only(name) {
      const all = byName.get(name);
      return all && all.size === 1 ? [...all][0] : undefined;
    },
  };
}
