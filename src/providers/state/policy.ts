/**
 * The trust policy the editor applies to a package.json: the same `.provenance-lens.json` the CLI reads
 * (src/verify/policy: found from the package.json's folder upwards, never above the repository root),
 * else the nearest one up to the workspace folder, or the `provenanceLens.policyFile` setting.
 *
 * Restricted Mode: a policy file found in the workspace is NOT applied when the workspace is untrusted. A
 * policy can turn findings off and exclude versions, so an untrusted repository could silence the very
 * downgrades it brings in; default severities apply instead, and the status says so. A policy file set in
 * the user's own settings (`provenanceLens.policyFile`, restricted: workspace values are ignored there) is
 * the user's choice and applies.
 *
 * No `vscode` import. The policy loader is required on first use (activation stays light).
 */
import * as path from 'node:path';
import { pathExists } from '../../verify/fs/exists';
import type { Policy } from '../../verify/policy/types';
import { POLICY_FILE_NAME } from '../../verify/policy/types';
import type { TrustPolicyStatus } from './documentState';

type PolicyLoader = Pick<typeof import('../../verify/policy/load'), 'findPolicyFile' | 'loadPolicy'>;

function defaultLoader(): PolicyLoader {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../verify/policy/load') as PolicyLoader;
}

export interface PolicyStoreOptions {
  /** Whether the workspace is trusted (Workspace Trust). */
  trusted(): boolean;
  /**
   * The `provenanceLens.policyFile` setting as a path: `path` absolute when accepted, `problem` when refused
   * (a relative path where it cannot be resolved safely); both empty when the setting is empty.
   */
  policyFile(fsPath: string): { path?: string; problem?: string };
  /** The workspace folder holding a file, when there is one. */
  workspaceFolderOf(fsPath: string): string | undefined;
  loader?: PolicyLoader;
}

export interface LoadedPolicy {
  status: TrustPolicyStatus;
  /** The policy in force (undefined: the defaults). */
  policy?: Policy;
}

/** Folders from `dir` up to `root` (inclusive), when `dir` is inside `root`. */
function foldersUpTo(dir: string, root: string): string[] {
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [];
  const out: string[] = [];
  let current = dir;
  for (let i = 0; i < 64; i++) {
    out.push(current);
    if (current === root) break;
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return out;
}

export class PolicyStore {
  private readonly byDir = new Map<string, Promise<LoadedPolicy>>();

  constructor(private readonly options: PolicyStoreOptions) {}

  /** Forget what was read (the file or the settings changed, the workspace was trusted). */
  clear(): void {
    this.byDir.clear();
  }

  /** The policy for the package.json at `fsPath` (read once per folder until `clear`). Never throws. */
  forManifest(fsPath: string): Promise<LoadedPolicy> {
    const dir = path.dirname(fsPath);
    let p = this.byDir.get(dir);
    if (!p) {
      p = this.load(fsPath).catch((err: unknown) => ({
        status: { errors: [`the trust policy could not be read: ${err instanceof Error ? err.message : String(err)}`], applied: false },
      }));
      this.byDir.set(dir, p);
    }
    return p;
  }

  /** The policy file that applies to a package.json, and whether it came from the settings. */
  async locate(fsPath: string): Promise<{ file?: string; fromSetting: boolean; problem?: string }> {
    const setting = this.options.policyFile(fsPath);
    if (setting.problem) return { fromSetting: true, problem: setting.problem };
    if (setting.path) return { file: setting.path, fromSetting: true };
    const dir = path.dirname(fsPath);
    const loader = this.options.loader ?? defaultLoader();
    const found = await loader.findPolicyFile(dir);
    if (found) return { file: found, fromSetting: false };
    // Without a repository root the CLI looks only in the folder itself; the editor also looks up to the
    // workspace folder, so a policy at the workspace's root applies to the package.json files below it.
    // Never above a repository root, as the CLI.
    const root = this.options.workspaceFolderOf(fsPath);
    for (const d of root ? foldersUpTo(dir, root) : []) {
      const file = path.join(d, POLICY_FILE_NAME);
      if (await pathExists(file)) return { file, fromSetting: false };
      if (await pathExists(path.join(d, '.git'))) break;
    }
    return { fromSetting: false };
  }

  private async load(fsPath: string): Promise<LoadedPolicy> {
    const where = await this.locate(fsPath);
    if (where.problem) return { status: { errors: [where.problem], applied: false } };
    if (!where.file) return { status: { errors: [], applied: false } };
    if (!where.fromSetting && !this.options.trusted()) {
      return {
        status: {
          path: where.file,
          errors: [],
          applied: false,
          notApplied:
            `Restricted Mode: the trust policy ${where.file} is not applied, because this workspace is not trusted and a policy ` +
            'can turn findings off. Trust history uses the default severities; trust the workspace to apply the policy.',
        },
      };
    }
    const loader = this.options.loader ?? defaultLoader();
    const loaded = await loader.loadPolicy({ file: where.file });
    if (!loaded.policy)
      return {
        status: { path: where.file, errors: loaded.errors.length ? loaded.errors : ['the policy could not be read'], applied: false },
      };
    return { status: { path: where.file, errors: [], applied: true }, policy: loaded.policy };
  }
}
