/**
 * The editor's trust history: wires the tracker (../state/trust.ts) to the open package.json files, one
 * trust-history service per engine (full packuments through that engine's registry client and HTTP
 * cache, earlier versions verified by it), and the policy file (../state/policy.ts), judged again when
 * the policy file or the settings change, or the workspace is trusted.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvenanceEngineApi } from '../../verify/api';
import { EMPTY_POLICY, POLICY_FILE_NAME } from '../../verify/policy/types';
import type { LensSettings } from '../config/lensSettings';
import { resolvePathSetting } from '../config/lensSettings';
import { resolveSettingPath } from '../config/settings';
import type { DocumentController } from '../state/documents';
import { PolicyStore, type LoadedPolicy } from '../state/policy';
import type { ScanTrustScope } from '../scan/trust';
import { serviceFor, TrustTracker, type TrustScope, type TrustService } from '../state/trust';

const RELOAD_DEBOUNCE_MS = 300;

export class TrustHistoryController implements vscode.Disposable {
  readonly tracker: TrustTracker;
  readonly policies: PolicyStore;
  private readonly services = new WeakMap<ProvenanceEngineApi, TrustService>();
  private readonly disposables: vscode.Disposable[] = [];
  private settingWatcher: vscode.Disposable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly reloaded = new vscode.EventEmitter<void>();
  /** After `reload`: the policy or the settings changed (the scan view judges its results again). */
  readonly onDidReload = this.reloaded.event;

  constructor(
    private readonly documents: DocumentController,
    private readonly settings: () => LensSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.policies = new PolicyStore({
      trusted: () => vscode.workspace.isTrusted,
      policyFile: () => {
        const s = this.settings();
        return resolvePathSetting('policyFile', s.policyFile, s.policyFileScope, {
          trusted: vscode.workspace.isTrusted,
          resolveRelative: resolveSettingPath,
        });
      },
      workspaceFolderOf: (fsPath) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fsPath))?.uri.fsPath,
    });
    this.tracker = new TrustTracker({
      enabled: () => this.settings().trustHistory,
      scopeFor: (fsPath) => this.scopeFor(fsPath),
      notify: (uri) => this.documents.notify(vscode.Uri.parse(uri)),
      current: (uri) => this.documents.get(uri),
      log: this.log,
    });
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${POLICY_FILE_NAME}`);
    const onPolicy = (uri: vscode.Uri) => this.scheduleReload(`${uri.fsPath} changed`);
    this.disposables.push(
      watcher,
      watcher.onDidChange(onPolicy),
      watcher.onDidCreate(onPolicy),
      watcher.onDidDelete(onPolicy),
      documents.onDidChange((uri) => {
        const state = documents.get(uri);
        if (state) this.tracker.track(state);
        else this.tracker.forget(uri.toString());
      }),
    );
    this.watchSettingFile();
  }

  /** The trust-history service of the engine that verifies `fsPath`'s dependencies (one per engine). */
  private serviceOf(fsPath: string): { engine: ProvenanceEngineApi; service: TrustService } {
    const engine = this.documents.engineFor(fsPath);
    let service = this.services.get(engine);
    if (!service) {
      service = serviceFor(engine);
      this.services.set(engine, service);
    }
    return { engine, service };
  }

  private async policyFor(fsPath: string): Promise<LoadedPolicy> {
    const loaded = await this.policies.forManifest(fsPath);
    if (loaded.status.notApplied) this.log.warn(loaded.status.notApplied);
    else if (loaded.status.errors.length) this.log.warn(`Trust policy not applied: ${loaded.status.errors.join('; ')}`);
    else if (loaded.status.applied) this.log.info(`Trust policy for ${path.dirname(fsPath)}: ${loaded.status.path}.`);
    return loaded;
  }

  private async scopeFor(fsPath: string): Promise<TrustScope> {
    const { engine, service } = this.serviceOf(fsPath);
    const loaded = await this.policyFor(fsPath);
    // The policy goes with each judgement, not onto the shared service (folders may have different ones).
    return { service, engine, policy: loaded.status, rules: loaded.policy ?? EMPTY_POLICY };
  }

  /**
   * For Scan Workspace (../scan/trust.ts): the same service as the open files (a package judged for one is
   * not fetched again for the other) and the policy of the package.json's folder, Workspace Trust applied as
   * for open files. The policy is handed to each judgement rather than set on the shared service.
   */
  async scanScope(fsPath: string): Promise<ScanTrustScope> {
    const { service } = this.serviceOf(fsPath);
    const loaded = await this.policyFor(fsPath);
    return { service, status: loaded.status, ...(loaded.policy ? { policy: loaded.policy } : {}) };
  }

  /** The `provenanceLens.policyFile` file, when it is outside what the workspace watcher sees. */
  private watchSettingFile(): void {
    this.settingWatcher?.dispose();
    this.settingWatcher = undefined;
    const s = this.settings();
    const file = resolvePathSetting('policyFile', s.policyFile, s.policyFileScope, {
      trusted: vscode.workspace.isTrusted,
      resolveRelative: resolveSettingPath,
    }).path;
    if (!file || !path.isAbsolute(file) || path.basename(file) === POLICY_FILE_NAME) return;
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
    );
    const onChange = () => this.scheduleReload(`${file} changed`);
    this.settingWatcher = vscode.Disposable.from(
      watcher,
      watcher.onDidChange(onChange),
      watcher.onDidCreate(onChange),
      watcher.onDidDelete(onChange),
    );
  }

  private scheduleReload(why: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload(why);
    }, RELOAD_DEBOUNCE_MS);
  }

  /** The policy, the settings or the engines changed: read the policy again and judge every open file again. */
  reload(why: string): void {
    this.log.info(`Trust history: ${why}; judging the open package.json files again.`);
    this.watchSettingFile();
    this.policies.clear();
    this.tracker.invalidate();
    this.reloaded.fire();
  }

  /** Notes for the status bar: policies not applied (Restricted Mode, errors). */
  notes(): string[] {
    const out = new Set<string>();
    for (const p of this.tracker.policyStatuses()) {
      if (p.notApplied) out.add(p.notApplied);
      else if (p.errors.length) out.add(`The trust policy${p.path ? ` ${p.path}` : ''} has errors and is not applied.`);
    }
    return [...out];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.settingWatcher?.dispose();
    this.reloaded.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
