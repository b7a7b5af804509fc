/**
 * Provenance: Verify Dependency at Cursor — verifies one dependency now and says its verdict. From a
 * hover link the arguments name it ([documentUri, section, name]); from the palette or the editor's
 * context menu it is the dependency at (or on the line of) the cursor.
 */
import * as vscode from 'vscode';
import type { LensContext } from '../context';
import { badgeFor } from '../format/badge';
import { dependencyAt, dependencyOnLine, locateDependencies } from '../locate/manifestLocator';
import { isPackageJson } from '../state/documents';
import { type DependencyState, dependencyKey } from '../state/documentState';
import { registerCommand } from './register';

interface Target {
  document?: vscode.TextDocument;
  section?: string;
  name?: string;
}

export function registerVerifyAtCursor(lens: LensContext): vscode.Disposable {
  return registerCommand(lens.log, 'provenanceLens.verifyAtCursor', (...args) => verifyAtCursor(lens, args));
}

async function verifyAtCursor(lens: LensContext, args: unknown[]): Promise<void> {
  const { document, section, name } = targetOf(args);
  if (!document || !isPackageJson(document)) {
    void vscode.window.showInformationMessage('Provenance: put the cursor on a dependency in a package.json.');
    return;
  }
  if (!section || !name) {
    void vscode.window.showInformationMessage('Provenance: the cursor is not on a dependency.');
    return;
  }
  const verdict = await currentVerdict(lens, document, dependencyKey(section, name));
  if (!verdict) {
    void vscode.window.showWarningMessage(`Provenance: ${name} could not be checked (see Show Log).`);
    return;
  }
  const badge = badgeFor(verdict, 'full');
  const detail = verdict.reason ? ` — ${verdict.reason.message}` : '';
  const id = `${verdict.name}@${verdict.version}`;
  const show = verdict.status === 'invalid' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(`${id}: ${badge?.text ?? verdict.status}${detail}`, 'Show Log');
  if (choice) lens.log.show();
}

/** The dependency the command is about: named by a hover link's arguments, else at the cursor. */
function targetOf(args: unknown[]): Target {
  if (typeof args[0] === 'string' && typeof args[1] === 'string' && typeof args[2] === 'string') {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args[0]);
    return { document, section: args[1], name: args[2] };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isPackageJson(editor.document)) return {};
  const document = editor.document;
  const text = document.getText();
  const located = locateDependencies(text);
  const offset = document.offsetAt(editor.selection.active);
  const dep = dependencyAt(located, offset)?.dependency ?? dependencyOnLine(located, text, offset);
  return { document, section: dep?.section, name: dep?.name };
}

/**
 * The dependency's verdict for the document as it is now: the whole document is verified again when
 * its state is missing, running or stale; a resolved version that was not verified yet (an off-screen
 * line) is verified alone.
 */
async function currentVerdict(lens: LensContext, document: vscode.TextDocument, key: string): Promise<DependencyState['verdict']> {
  const { documents, log } = lens;
  let state = documents.get(document.uri);
  let dep = state?.deps.get(key);
  if (!state || state.running || state.docVersion !== document.version || !dep) {
    state = await documents.verifyNow(document);
    dep = state?.deps.get(key);
  } else if (dep.resolved?.version && !dep.resolved.verdict && dep.verdict?.reason?.code !== 'ignored') {
    const engine = documents.engineFor(document.uri.fsPath);
    const r = dep.resolved;
    log.info(`Verifying ${r.name}@${r.version} on request.`);
    documents.setVerdict(
      document.uri,
      key,
      await engine.verify({
        name: r.name,
        version: r.version!,
        integrity: r.integrity,
        resolved: r.resolved,
        location: r.location,
        resolvedFrom: r.resolvedFrom,
      }),
    );
  }
  return dep?.verdict;
}
