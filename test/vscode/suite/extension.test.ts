/**
 * Runs inside VS Code against the real API (see ../runTest.ts). The fixture workspace is offline
 * (`provenanceLens.offline: true`), so registry dependencies are `unavailable: offline`, and git/file
 * dependencies are `not-applicable` — deterministic without a network.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'provenance-lens.provenance-lens';
const SOURCE = 'Provenance Lens';

function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, ...parts));
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('Provenance Lens in VS Code', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the test instance`);
    await extension.activate();
  });

  it('registers its commands', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of ['scanWorkspace', 'exportReport', 'verifyAtCursor', 'clearCache', 'showLog']) {
      assert.ok(all.has(`provenanceLens.${id}`), `provenanceLens.${id} is missing`);
    }
  });

  it('checks an open package.json: one notice for what could not be checked (offline), none per package', async () => {
    const uri = workspaceFile('package.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitFor('diagnostics', () => {
      const found = ours(uri);
      return found.some((d) => /could not be checked/.test(d.message)) ? found : undefined;
    });
    const notice = diagnostics.filter((d) => /could not be checked/.test(d.message));
    assert.equal(notice.length, 1);
    assert.equal(notice[0].severity, vscode.DiagnosticSeverity.Information);
    assert.equal(document.getText(notice[0].range), '"dependencies"');
    assert.ok(!diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Error), 'an error without an invalid verdict');
    const code = notice[0].code as { value: string; target: vscode.Uri };
    assert.equal(code.target.scheme, 'https');
  });

  it('hovers explain the verdict in plain words and never claim "verified" offline', async () => {
    const uri = workspaceFile('package.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const at = (needle: string) => document.positionAt(text.indexOf(needle) + 2);
    const git = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at('"git-dep"')));
    assert.match(git, /Not applicable/);
    const registry = await waitFor('a settled hover', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at('"left-pad"')));
      return /Provenance unavailable/.test(t) ? t : undefined;
    });
    assert.match(registry, /says nothing about the package/);
    assert.doesNotMatch(registry, /Verified provenance/);
  });

  it('reports a malformed package.json as a problem instead of failing', async () => {
    const uri = workspaceFile('broken', 'package.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const problems = await waitFor('a problem for the malformed file', () => {
      const found = ours(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Warning);
      return found.length ? found : undefined;
    });
    assert.match(problems[0].message, /not valid JSON|could not check/);
  });

  it('Verify Dependency at Cursor and Clear Cache run without throwing', async () => {
    const uri = workspaceFile('package.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const position = document.positionAt(document.getText().indexOf('"left-pad"') + 2);
    editor.selection = new vscode.Selection(position, position);
    await vscode.commands.executeCommand('provenanceLens.verifyAtCursor');
    await vscode.commands.executeCommand('provenanceLens.clearCache');
    await waitFor('diagnostics after clearing the cache', () => (ours(uri).length ? true : undefined));
  });

  it('offers version completion only inside a version string (no crash offline)', async () => {
    const uri = workspaceFile('package.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const position = document.positionAt(document.getText().indexOf('"1.3.0"') + 2);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
    assert.ok(list);
  });
});
