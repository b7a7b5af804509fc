/**
 * Integration tests in a real VS Code (Electron) through @vscode/test-electron.
 *
 * Runnable only where VS Code can be downloaded (the first run fetches a VS Code build into
 * .vscode-test/); not part of `npm test`. Run: `npx tsx test/vscode/runTest.ts`.
 * Optional: VSCODE_TEST_VERSION (default 'stable'), VSCODE_EXECUTABLE_PATH (use an installed VS Code).
 *
 * It builds the extension (dist/extension.js), bundles the suite into out/vscode-tests/, and opens
 * test/vscode/fixtures/workspace with the extension under development. The fixture workspace sets
 * `provenanceLens.offline`, so nothing is fetched from a registry: verdicts are deterministic.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  const outDir = path.join(root, 'out/vscode-tests');
  await build({
    entryPoints: [path.join(__dirname, 'suite/index.ts'), path.join(__dirname, 'suite/extension.test.ts')],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  const code = await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(outDir, 'index.js'),
    launchArgs: [path.join(__dirname, 'fixtures/workspace'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
  });
  process.exitCode = code;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exitCode = 1;
});
