/**
 * Joins the current text of a package.json (as located now) with the last run's results.
 * No `vscode` import.
 */
import type { LocatedDependency, LocatedManifest } from '../locate/manifestLocator';
import { dependencyKey, type DependencyState, type DocumentState } from './documentState';

export interface DependencyView {
  located: LocatedDependency;
  state?: DependencyState;
  /** The spec in the text differs from the one the verdict is for. */
  stale: boolean;
}

export function joinState(located: LocatedManifest, state: DocumentState | undefined): DependencyView[] {
  return located.dependencies.map((dep) => {
    const found = state?.deps.get(dependencyKey(dep.section, dep.name));
    const stale = !found || dep.spec === undefined || found.dependency.spec !== dep.spec;
    return { located: dep, state: found, stale };
  });
}
