/**
 * Notices shown once per session, when verdicts first show them to be needed: a registry that strips
 * provenance while no attestation registry is set, and Restricted Mode ignoring workspace settings.
 */
import * as vscode from 'vscode';
import { ignoredSettings, trustNotice } from '../config/settings';
import type { LensContext } from '../context';

export function registerNotices(lens: LensContext): vscode.Disposable {
  let mirrorNoticeShown = false;
  let trustNoticeShown = false;
  return lens.documents.onDidChange(() => {
    if (!mirrorNoticeShown && !lens.settings.attestationRegistry) mirrorNoticeShown = showMirrorNotice(lens);
    if (!trustNoticeShown && !vscode.workspace.isTrusted && ignoredSettings().length > 0) {
      trustNoticeShown = true;
      const notice = trustNotice();
      if (notice) {
        lens.log.warn(notice);
        void vscode.window.showInformationMessage(`Provenance: ${notice}`);
      }
    }
  });
}

/** Shows the notice when a registry seen so far strips provenance; true when it did. */
function showMirrorNotice(lens: LensContext): boolean {
  const stripping = lens.host.observations().find((o) => o.stripsProvenance);
  if (!stripping) return false;
  void vscode.window
    .showWarningMessage(
      `Provenance: ${stripping.registry} serves packages without provenance or signatures. Set "provenanceLens.attestationRegistry" to https://registry.npmjs.org to verify them.`,
      'Open Settings',
    )
    .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'provenanceLens.attestationRegistry'));
  return true;
}
