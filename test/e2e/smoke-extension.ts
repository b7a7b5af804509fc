// Generates and packages a tiny throwaway VS Code extension used by the smoke
// suite to prove the harness works before the real extension is complete.
// It deliberately exercises every surface the real suite will assert on:
// a palette command, a hover with a link, "after" decorations (badges) behind
// version strings, an error diagnostic, a quick fix that rewrites a version,
// a tree view filled by a command, and a status bar item.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SMOKE = {
  id: 'provenance-lens-e2e.e2e-smoke',
  helloCommand: 'E2E Smoke: Say Hello',
  helloMessage: 'Hello from the e2e smoke extension',
  fillTreeCommand: 'E2E Smoke: Fill Tree',
  treeTitle: 'Smoke Packages',
  badVersion: '0.0.0-bad',
  fixedVersion: '^1.2.3',
  fixTitle: 'Smoke: use ^1.2.3',
  diagnosticMessage: 'smoke: invalid version',
  statusText: 'Smoke ready',
  badgeText: 'smoke-badge',
  inlayText: 'smoke-inlay',
  hoverPrefix: 'smoke-hover',
  commitUrl: 'https://example.invalid/commit/abc123',
} as const;

const manifest = {
  name: 'e2e-smoke',
  displayName: 'E2E Smoke',
  publisher: 'provenance-lens-e2e',
  version: '0.0.1',
  license: 'MIT',
  engines: { vscode: '^1.90.0' },
  main: './extension.js',
  activationEvents: ['onStartupFinished', 'workspaceContains:**/package.json'],
  contributes: {
    commands: [
      { command: 'e2eSmoke.hello', title: 'Say Hello', category: 'E2E Smoke' },
      { command: 'e2eSmoke.fillTree', title: 'Fill Tree', category: 'E2E Smoke' },
    ],
    views: { explorer: [{ id: 'e2eSmoke.tree', name: SMOKE.treeTitle }] },
  },
};

const extensionJs = String.raw`
const vscode = require('vscode');
const S = ${JSON.stringify(SMOKE)};
const selector = { language: 'json', pattern: '**/package.json' };
const versionLine = /^(\s*)"([^"]+)"\s*:\s*"([^"]*)"/;

function depLines(doc) {
  const out = [];
  let inDeps = false;
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    if (/"(dev|peer|optional)?[dD]ependencies"\s*:/.test(text)) { inDeps = true; continue; }
    if (inDeps && /^\s*}/.test(text)) { inDeps = false; continue; }
    const m = inDeps && versionLine.exec(text);
    if (m) {
      const start = text.indexOf('"' + m[3] + '"', m[1].length + m[2].length + 2) + 1;
      out.push({
        line: i, name: m[2], version: m[3],
        range: new vscode.Range(i, start, i, start + m[3].length),
        // just past the closing quote: where a badge goes
        end: new vscode.Range(i, start + m[3].length + 1, i, start + m[3].length + 1),
      });
    }
  }
  return out;
}

function activate(context) {
  const diagnostics = vscode.languages.createDiagnosticCollection('e2e-smoke');
  const badge = vscode.window.createTextEditorDecorationType({
    after: { contentText: ' ' + S.badgeText, color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 1em' },
  });
  let treeItems = [];
  const treeChanged = new vscode.EventEmitter();
  const refresh = (doc) => {
    if (!doc || !doc.fileName.endsWith('package.json')) return;
    const deps = depLines(doc);
    diagnostics.set(doc.uri, deps.filter((d) => d.version === S.badVersion).map((d) => {
      const diag = new vscode.Diagnostic(d.range, S.diagnosticMessage, vscode.DiagnosticSeverity.Error);
      diag.source = 'e2e-smoke';
      return diag;
    }));
    for (const ed of vscode.window.visibleTextEditors) {
      if (ed.document === doc) ed.setDecorations(badge, deps.filter((d) => d.version !== S.badVersion).map((d) => ({ range: d.end })));
    }
  };
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 1000);
  status.text = '$(check) ' + S.statusText;
  status.tooltip = 'e2e smoke extension is active';
  status.show();

  context.subscriptions.push(
    diagnostics, badge, status,
    vscode.commands.registerCommand('e2eSmoke.hello', () => vscode.window.showInformationMessage(S.helloMessage)),
    vscode.commands.registerCommand('e2eSmoke.fillTree', async () => {
      const files = await vscode.workspace.findFiles('**/package.json', '**/node_modules/**');
      treeItems = [];
      for (const f of files) {
        const doc = await vscode.workspace.openTextDocument(f);
        for (const d of depLines(doc)) treeItems.push(d.name + '@' + d.version);
      }
      treeChanged.fire();
    }),
    vscode.window.registerTreeDataProvider('e2eSmoke.tree', {
      onDidChangeTreeData: treeChanged.event,
      getChildren: () => treeItems,
      getTreeItem: (label) => {
        const item = new vscode.TreeItem(label);
        item.description = label.endsWith(S.badVersion) ? 'invalid' : 'verified';
        return item;
      },
    }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover(doc, pos) {
        const dep = depLines(doc).find((d) => d.line === pos.line);
        if (!dep) return undefined;
        const md = new vscode.MarkdownString(
          '**' + S.hoverPrefix + '** ' + dep.name + '@' + dep.version + ' built from [commit abc123](' + S.commitUrl + ')');
        return new vscode.Hover(md);
      },
    }),
    vscode.languages.registerInlayHintsProvider(selector, {
      provideInlayHints(doc) {
        for (let i = 0; i < doc.lineCount; i++) {
          const m = /^\s*"version"\s*:\s*"[^"]*"/.exec(doc.lineAt(i).text);
          if (m) {
            const hint = new vscode.InlayHint(new vscode.Position(i, m[0].length), S.inlayText, vscode.InlayHintKind.Type);
            hint.paddingLeft = true;
            return [hint];
          }
        }
        return [];
      },
    }),
    vscode.languages.registerCodeActionsProvider(selector, {
      provideCodeActions(doc, range, ctx) {
        return ctx.diagnostics.filter((d) => d.source === 'e2e-smoke').map((d) => {
          const action = new vscode.CodeAction(S.fixTitle, vscode.CodeActionKind.QuickFix);
          action.edit = new vscode.WorkspaceEdit();
          action.edit.replace(doc.uri, d.range, S.fixedVersion);
          action.diagnostics = [d];
          action.isPreferred = true;
          return action;
        });
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.window.onDidChangeVisibleTextEditors((eds) => eds.forEach((ed) => refresh(ed.document))),
  );
  vscode.workspace.textDocuments.forEach(refresh);
}
module.exports = { activate, deactivate() {} };
`;

/** Writes the throwaway extension into `dir` and packages it; returns the .vsix path. */
export async function buildSmokeExtension(dir: string, vsceBin?: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(path.join(dir, 'extension.js'), extensionJs);
  await writeFile(path.join(dir, 'README.md'), '# E2E Smoke\n\nThrowaway extension generated by the e2e smoke test.\n');
  await writeFile(path.join(dir, 'LICENSE'), 'MIT\n');
  const vsix = path.join(dir, 'e2e-smoke.vsix');
  const vsce = vsceBin ?? path.resolve(__dirname, '../../node_modules/.bin/vsce');
  await run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], {
    cwd: dir,
    timeout: 120_000,
  });
  return vsix;
}
