/**
 * Activation: creates the editor's parts (./context.ts), then registers, in this order, the language
 * features, the commands (one file each in ./commands) and the event subscriptions (./events).
 * Nothing here loads the engine: engines are created by EngineHost on the first verification, after
 * activation has returned.
 */
import * as vscode from 'vscode';
import { ProvenanceCodeActions } from './codeActions/provider';
import { registerClearCache } from './commands/clearCache';
import { registerExportReport } from './commands/exportReport';
import { registerIgnorePackage } from './commands/ignorePackage';
import { registerRevealResult } from './commands/revealResult';
import { registerScanWorkspace } from './commands/scanWorkspace';
import { registerShowLog } from './commands/showLog';
import { registerShowResults } from './commands/showResults';
import { registerVerifyAtCursor } from './commands/verifyAtCursor';
import { VersionCompletionProvider } from './completion/provider';
import { trustNotice } from './config/settings';
import { LensContext } from './context';
import { registerConfigurationWatcher } from './events/configuration';
import { registerNotices } from './events/notices';
import { registerTrustGrant } from './events/workspaceTrust';
import { ProvenanceHoverProvider } from './hover/provider';

export const SELECTOR: vscode.DocumentSelector = [{ language: 'json', scheme: 'file', pattern: '**/package.json' }];

export function activateLens(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const lens = new LensContext(context);
  const { documents, log } = lens;
  const stripping = () => lens.host.observations().some((o) => o.stripsProvenance);

  context.subscriptions.push(
    // language features on package.json
    vscode.languages.registerHoverProvider(SELECTOR, new ProvenanceHoverProvider(documents, log)),
    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      new ProvenanceCodeActions(documents, log, lens.trust.tracker),
      ProvenanceCodeActions.metadata,
    ),
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      new VersionCompletionProvider(documents, () => lens.settings, stripping, log),
      '"',
      '^',
      '~',
      '.',
    ),
    // commands (package.json "contributes.commands")
    registerScanWorkspace(lens),
    registerExportReport(lens),
    registerVerifyAtCursor(lens),
    registerClearCache(lens),
    registerShowLog(lens),
    registerShowResults(lens),
    registerIgnorePackage(lens),
    registerRevealResult(lens),
    // events
    registerNotices(lens),
    registerConfigurationWatcher(lens),
    registerTrustGrant(lens),
  );

  const trust = trustNotice();
  if (trust) log.warn(trust);
  log.info(`Provenance Lens ${lens.toolVersion} activated in ${(performance.now() - started).toFixed(1)} ms; cache at ${lens.cacheDir}.`);
  documents.start();
}
