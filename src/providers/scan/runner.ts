/**
 * Provenance: Scan Workspace — every package.json in the workspace folders, with its lockfile, in a
 * cancellable progress notification. Uses the shared project scan (src/verify/scan.ts), loaded lazily.
 * The trust history of the results is judged afterwards (`assessWorkspaceTrust`, ./trust.ts).
 */
import * as vscode from 'vscode';
import { spanToRegion } from '../../verify/report';
import type { LensSettings } from '../config/lensSettings';
import { loadScanModule } from '../engine/host';
import type { DocumentController } from '../state/documents';
import type { TrustHistoryController } from '../trust/controller';
import { shownFindings, type ScanResultItem, type ScanResults } from './scanResults';
import { assessScanTrust } from './trust';

type ProvenanceEngine = import('../../verify/engine').ProvenanceEngine;

/** The registry names of a package.json's own dependencies (lockfile mode: their trust histories are read, ./trust.ts). */
function directNamesOf(manifestText: string): string[] {
  // Loaded with the scan (the engine's manifest reader), not at activation.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseManifest } = require('../../verify/resolve/manifest') as typeof import('../../verify/resolve/manifest');
  return [...new Set(parseManifest(manifestText).dependencies.map((d) => d.registryName ?? d.name))];
}

type ScanModule = ReturnType<typeof loadScanModule>;
type ScannedProject = Awaited<ReturnType<ScanModule['scanProject']>>;
type ScanProgress = vscode.Progress<{ message?: string; increment?: number }>;

/** What scanning one package.json needs besides the file itself. */
interface ManifestScanContext {
  scan: ScanModule;
  settings: LensSettings;
  log: vscode.LogOutputChannel;
  controller: AbortController;
  results: ScanResults;
}

/**
 * Scans one package.json (falling back to its direct dependencies when lockfile mode finds no lockfile).
 * A failure is recorded in the results: 'continue' goes on with the next file, 'break' stops the scan.
 */
async function scanManifest(
  ctx: ManifestScanContext,
  engine: ProvenanceEngine,
  uri: vscode.Uri,
  label: string,
  onProgress: (p: { done: number; total: number }) => void,
): Promise<ScannedProject | 'continue' | 'break'> {
  const { scan, settings, log, controller, results } = ctx;
  try {
    return await scan.scanProject(engine, uri.fsPath, {
      mode: settings.scanMode,
      ignore: settings.ignore,
      signal: controller.signal,
      onProgress,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (settings.scanMode === 'lockfile' && err instanceof scan.ScanSetupError) {
      // No lockfile: scan the manifest's own dependencies and say so.
      log.warn(`${label}: ${message} Scanning its direct dependencies instead.`);
      try {
        const project = await scan.scanProject(engine, uri.fsPath, {
          mode: 'direct',
          ignore: settings.ignore,
          signal: controller.signal,
          onProgress,
        });
        project.problems.unshift(`No lockfile: scanned direct dependencies only.`);
        return project;
      } catch (inner) {
        results.projects.push({
          manifestPath: uri.fsPath,
          mode: 'direct',
          problems: [inner instanceof Error ? inner.message : String(inner)],
        });
        return 'continue';
      }
    } else {
      if (controller.signal.aborted) return 'break';
      log.error(`${label}: ${message}`);
      results.projects.push({ manifestPath: uri.fsPath, mode: settings.scanMode, problems: [message] });
      return 'continue';
    }
  }
}

/** Adds a scanned project and its entries to the results, logging its problems. */
function recordProject(results: ScanResults, project: ScannedProject, log: vscode.LogOutputChannel): void {
  results.projects.push({
    manifestPath: project.manifestPath,
    lockfilePath: project.lockfile?.path,
    mode: project.mode,
    problems: project.problems,
    ...(project.mode === 'lockfile' ? { directNames: directNamesOf(project.manifestText) } : {}),
  });
  for (const problem of project.problems) log.warn(problem);
  for (const entry of project.entries) {
    if (!entry) continue;
    const item: ScanResultItem = {
      verdict: entry.verdict,
      occurrence: {
        manifestPath: project.manifestPath,
        lockfilePath: project.lockfile?.path,
        specSpan: entry.dependency?.specSpan,
        region: entry.dependency ? spanToRegion(project.manifestText, entry.dependency.specSpan) : undefined,
      },
    };
    results.items.push(item);
  }
}

/** The scan itself, inside the progress notification. */
async function runWorkspaceScan(
  documents: DocumentController,
  settings: LensSettings,
  log: vscode.LogOutputChannel,
  progress: ScanProgress,
  token: vscode.CancellationToken,
): Promise<ScanResults> {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  const results: ScanResults = { mode: settings.scanMode, startedAt: Date.now(), cancelled: false, projects: [], items: [] };
  progress.report({ message: 'finding package.json files…' });
  const found = await vscode.workspace.findFiles('**/package.json', '**/node_modules/**', undefined, token);
  const manifests = found.filter((uri) => uri.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  log.info(`Scan: ${manifests.length} package.json files, mode ${settings.scanMode}.`);
  const scan = loadScanModule();
  const ctx: ManifestScanContext = { scan, settings, log, controller, results };
  const step = manifests.length ? 100 / manifests.length : 100;
  for (const [index, uri] of manifests.entries()) {
    if (token.isCancellationRequested) break;
    const label = vscode.workspace.asRelativePath(uri, true);
    progress.report({ message: `${index + 1} of ${manifests.length}: ${label}` });
    const engine = documents.engineFor(uri.fsPath) as unknown as ProvenanceEngine;
    const onProgress = (p: { done: number; total: number }) =>
      progress.report({ message: `${index + 1} of ${manifests.length}: ${label} (${p.done}/${p.total})` });
    const project = await scanManifest(ctx, engine, uri, label, onProgress);
    if (project === 'break') break;
    if (project === 'continue') continue;
    if (controller.signal.aborted) break;
    recordProject(results, project, log);
    progress.report({ increment: step });
  }
  results.cancelled = token.isCancellationRequested;
  results.finishedAt = Date.now();
  log.info(
    `Scan ${results.cancelled ? 'cancelled' : 'finished'}: ${results.items.length} results in ${results.finishedAt - results.startedAt} ms.`,
  );
  return results;
}

export async function scanWorkspace(
  documents: DocumentController,
  settings: LensSettings,
  log: vscode.LogOutputChannel,
): Promise<ScanResults | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showInformationMessage('Provenance: open a folder to scan its package.json files.');
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Provenance: scanning workspace', cancellable: true },
    (progress, token) => runWorkspaceScan(documents, settings, log, progress, token),
  );
}

/**
 * After a scan's results are shown: judge their trust history in the background (./trust.ts), with a
 * progress item in the status bar, re-rendering the view as judgements come. Resolves when done or aborted.
 */
export function assessWorkspaceTrust(
  results: ScanResults,
  trust: Pick<TrustHistoryController, 'scanScope'>,
  options: { signal: AbortSignal; onUpdate(): void; log: vscode.LogOutputChannel },
): Promise<void> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Provenance: trust history' }, async (progress) => {
      const state = await assessScanTrust(results, {
        scopeFor: (manifestPath) => trust.scanScope(manifestPath),
        signal: options.signal,
        log: options.log,
        onUpdate: () => {
          if (results.trust?.state === 'pending') progress.report({ message: `${results.trust.judged} of ${results.trust.total}` });
          options.onUpdate();
        },
      });
      const findings = results.items.filter((i) => shownFindings(i.verdict.trust?.findings ?? []).length > 0).length;
      options.log.info(`Scan trust history ${state.state}: ${state.judged} of ${state.total} judged, ${findings} results with findings.`);
    }),
  );
}

/** Opens the file a result came from and selects the dependency (or the package in the lockfile). */
export async function revealResult(
  occurrence: { manifestPath: string; lockfilePath?: string; specSpan?: { offset: number; length: number } },
  name?: string,
): Promise<void> {
  if (!occurrence || typeof occurrence.manifestPath !== 'string') return;
  if (occurrence.specSpan) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(occurrence.manifestPath));
    const start = document.positionAt(occurrence.specSpan.offset);
    const end = document.positionAt(occurrence.specSpan.offset + occurrence.specSpan.length);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, end), preserveFocus: false });
    return;
  }
  const file = occurrence.lockfilePath ?? occurrence.manifestPath;
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const text = document.getText();
  let offset = -1;
  if (name) {
    for (const needle of [`node_modules/${name}"`, `"${name}@`, `${name}@`, `"${name}"`]) {
      offset = text.indexOf(needle);
      if (offset >= 0) break;
    }
  }
  const position = document.positionAt(Math.max(0, offset));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}
