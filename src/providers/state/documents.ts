/**
 * Keeps every open package.json verified in the background: on open, on edit (debounced), when a
 * lockfile beside it changes; cancelled when it closes. Providers read the resulting DocumentState.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProvenanceEngineApi } from '../../verify/api';
import type { ManifestDependency, Verdict } from '../../verify/types';
import type { EngineHost } from '../engine/host';
import type { LensSettings } from '../config/lensSettings';
import { type DependencyState, type DocumentState } from './documentState';
import { runDocument } from './run';
import { findSuggestion, type Suggestion } from '../../verify/suggest';

export const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];
const EDIT_DEBOUNCE_MS = 500;

export function isPackageJson(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && path.basename(document.uri.fsPath) === 'package.json';
}

function isVisible(document: vscode.TextDocument): boolean {
  return vscode.window.visibleTextEditors.some((e) => e.document === document);
}

interface ActiveRun {
  controller: AbortController;
  timer?: NodeJS.Timeout;
}

export class DocumentController implements vscode.Disposable {
  private readonly states = new Map<string, DocumentState>();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly suggestions = new Map<string, Promise<Suggestion>>();
  private readonly settledSuggestions = new Map<string, Suggestion>();
  /** Verdicts seen for exact versions (name@version), e.g. for completion markers. */
  readonly knownVerdicts = new Map<string, Verdict>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly host: EngineHost,
    private readonly settings: () => LensSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // Only package.json files shown in an editor are verified (not ones other extensions open in the background).
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) if (!this.tracked(editor.document)) this.schedule(editor.document, 0);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && (this.tracked(e.document) || isVisible(e.document))) this.schedule(e.document, EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{${LOCKFILE_NAMES.join(',')}}`);
    const onLockfile = (uri: vscode.Uri) => this.lockfileChanged(uri);
    this.disposables.push(watcher, watcher.onDidChange(onLockfile), watcher.onDidCreate(onLockfile), watcher.onDidDelete(onLockfile));
  }

  /** Starts on every package.json already shown. */
  start(): void {
    for (const editor of vscode.window.visibleTextEditors) this.schedule(editor.document, 0);
  }

  /** Whether a document has results or a run under way. */
  private tracked(document: vscode.TextDocument): boolean {
    const key = document.uri.toString();
    return this.states.has(key) || this.runs.has(key);
  }

  get(uri: vscode.Uri | string): DocumentState | undefined {
    return this.states.get(typeof uri === 'string' ? uri : uri.toString());
  }

  engineFor(fsPath: string): ProvenanceEngineApi {
    return this.host.get(path.dirname(fsPath));
  }

  /** Schedules a run for a package.json after `delay` ms (restarting any pending one). */
  schedule(document: vscode.TextDocument, delay: number): void {
    if (!isPackageJson(document)) return;
    const key = document.uri.toString();
    const run = this.runs.get(key);
    if (run?.timer) clearTimeout(run.timer);
    const timer = setTimeout(() => {
      void this.run(document);
    }, delay);
    this.runs.set(key, { controller: run?.controller ?? new AbortController(), timer });
  }

  /** Re-verifies every open package.json; `fresh` forgets earlier verdicts (settings changed, cache cleared). */
  rerunAll(fresh: boolean): void {
    const known = new Set(this.states.keys());
    if (fresh) {
      for (const run of this.runs.values()) {
        if (run.timer) clearTimeout(run.timer);
        run.controller.abort();
      }
      this.runs.clear();
      this.states.clear();
      this.suggestions.clear();
      this.settledSuggestions.clear();
      this.knownVerdicts.clear();
    }
    for (const document of vscode.workspace.textDocuments)
      if (isVisible(document) || known.has(document.uri.toString())) this.schedule(document, 0);
  }

  /** Re-verifies one document now, forgetting its earlier verdicts. */
  async verifyNow(document: vscode.TextDocument): Promise<DocumentState | undefined> {
    if (!isPackageJson(document)) return undefined;
    this.states.delete(document.uri.toString());
    this.clearSuggestions(document.uri.fsPath);
    return this.run(document);
  }

  private async run(document: vscode.TextDocument): Promise<DocumentState | undefined> {
    const key = document.uri.toString();
    const previousRun = this.runs.get(key);
    if (previousRun?.timer) clearTimeout(previousRun.timer);
    previousRun?.controller.abort();
    if (document.isClosed) return undefined;
    const controller = new AbortController();
    this.runs.set(key, { controller });
    const previous = this.states.get(key);
    const state: DocumentState = {
      uri: key,
      fsPath: document.uri.fsPath,
      docVersion: document.version,
      running: true,
      deps: previous?.deps ?? new Map(),
      manifest: previous?.manifest,
      lockfile: previous?.lockfile,
    };
    this.states.set(key, state);
    this.changed.fire(document.uri);
    const settings = this.settings();
    const started = Date.now();
    try {
      const engine = this.engineFor(document.uri.fsPath);
      this.log.info(`Verifying ${document.uri.fsPath} (document version ${document.version}).`);
      await runDocument(state, {
        engine,
        text: document.getText(),
        ignore: settings.ignore,
        signal: controller.signal,
        previous,
        priority: this.priorityFor(document),
        onUpdate: () => {
          if (controller.signal.aborted) return;
          this.remember(state);
          this.changed.fire(document.uri);
        },
      });
    } catch (err) {
      // runDocument catches engine failures; this is for the engine failing to load at all.
      state.running = false;
      state.error = err instanceof Error ? err.message : String(err);
      this.log.error(`Could not verify ${document.uri.fsPath}: ${state.error}`);
    }
    if (controller.signal.aborted) return undefined;
    const current = this.runs.get(key);
    if (current?.controller === controller && !current.timer) this.runs.delete(key);
    if (state.error) this.log.warn(`${document.uri.fsPath}: ${state.error}`);
    else this.log.info(`Verified ${state.deps.size} dependencies of ${document.uri.fsPath} in ${Date.now() - started} ms.`);
    this.changed.fire(document.uri);
    return state;
  }

  /** Tells the providers that a document's state changed outside a verification run (trust history arrived). */
  notify(uri: vscode.Uri): void {
    if (this.states.has(uri.toString())) this.changed.fire(uri);
  }

  /** Replaces one dependency's verdict (Verify Dependency at Cursor). */
  setVerdict(uri: vscode.Uri, key: string, verdict: Verdict): void {
    const state = this.states.get(uri.toString());
    const dep = state?.deps.get(key);
    if (!state || !dep) return;
    dep.verdict = verdict;
    this.remember(state);
    this.changed.fire(uri);
  }

  private remember(state: DocumentState): void {
    for (const dep of state.deps.values()) {
      const v = dep.verdict;
      if (v && v.version && v.status !== 'unavailable' && v.status !== 'not-applicable')
        this.knownVerdicts.set(`${v.name}@${v.version}`, v);
    }
  }

  /** Dependencies on visible lines first, then in document order. */
  private priorityFor(document: vscode.TextDocument): (dependency: ManifestDependency) => number {
    const visible = vscode.window.visibleTextEditors
      .filter((e) => e.document.uri.toString() === document.uri.toString())
      .flatMap((e) => e.visibleRanges)
      .map((r) => ({ start: document.offsetAt(r.start), end: document.offsetAt(r.end) }));
    return (dependency) => {
      const offset = dependency.specSpan.offset;
      const shown = visible.some((r) => offset >= r.start && offset <= r.end);
      return (shown ? 0 : 1) + offset / 1e9;
    };
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const run = this.runs.get(key);
    if (run) {
      if (run.timer) clearTimeout(run.timer);
      run.controller.abort();
      this.runs.delete(key);
    }
    if (this.states.delete(key)) this.changed.fire(uri);
  }

  private lockfileChanged(uri: vscode.Uri): void {
    const dir = path.dirname(uri.fsPath);
    for (const document of vscode.workspace.textDocuments) {
      if (!isPackageJson(document) || !this.tracked(document)) continue;
      const manifestDir = path.dirname(document.uri.fsPath);
      // A lockfile applies to the package.json beside it and to workspace members below it.
      if (manifestDir === dir || manifestDir.startsWith(dir + path.sep)) {
        this.log.info(`${uri.fsPath} changed: verifying ${document.uri.fsPath} again.`);
        this.clearSuggestions(document.uri.fsPath);
        this.schedule(document, EDIT_DEBOUNCE_MS);
      }
    }
  }

  private clearSuggestions(fsPath: string): void {
    const prefix = `${path.dirname(fsPath)}\u0000`;
    for (const key of [...this.suggestions.keys()]) if (key.startsWith(prefix)) this.suggestions.delete(key);
    for (const key of [...this.settledSuggestions.keys()]) if (key.startsWith(prefix)) this.settledSuggestions.delete(key);
  }

  /**
   * Versions with verified provenance for a dependency that is invalid or has no provenance
   * (memoised per folder, package, range and current version).
   */
  suggestionFor(fsPath: string, dep: DependencyState): Promise<Suggestion> | undefined {
    const key = this.suggestionKey(fsPath, dep);
    const registryName = dep.dependency.registryName ?? dep.resolved?.name;
    if (!key || !registryName) return undefined;
    let pending = this.suggestions.get(key);
    if (!pending) {
      const engine = this.engineFor(fsPath);
      const range = dep.dependency.registrySpec ?? dep.dependency.spec;
      const current = dep.verdict?.version || dep.resolved?.version;
      pending = findSuggestion(engine, { registryName, range, current }, { known: this.knownVerdicts });
      this.suggestions.set(key, pending);
      pending.then(
        (s) => {
          this.settledSuggestions.set(key, s);
          this.log.info(
            `Alternatives for ${registryName}: ${s.fix ? `fix ${s.fix.version}` : 'no fix'}, newest verified ${s.newestVerified?.version ?? 'none'}.`,
          );
        },
        (err: unknown) => {
          this.suggestions.delete(key);
          this.log.warn(`Could not look for alternatives to ${registryName}: ${err instanceof Error ? err.message : String(err)}`);
        },
      );
    }
    return pending;
  }

  /** A suggestion already found (no new lookup). */
  knownSuggestion(fsPath: string, dep: DependencyState): Suggestion | undefined {
    const key = this.suggestionKey(fsPath, dep);
    return key ? this.settledSuggestions.get(key) : undefined;
  }

  private suggestionKey(fsPath: string, dep: DependencyState): string | undefined {
    const registryName = dep.dependency.registryName ?? dep.resolved?.name;
    if (!registryName) return undefined;
    const current = dep.verdict?.version || dep.resolved?.version;
    const range = dep.dependency.registrySpec ?? dep.dependency.spec;
    return `${path.dirname(fsPath)}\u0000${registryName}\u0000${range}\u0000${current ?? ''}`;
  }

  dispose(): void {
    for (const run of this.runs.values()) {
      if (run.timer) clearTimeout(run.timer);
      run.controller.abort();
    }
    this.runs.clear();
    for (const d of this.disposables) d.dispose();
  }
}
