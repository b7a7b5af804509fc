/** Runs the CLI in-process (src/cli/main.ts) with a clean environment, never the user's npmrc. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIO } from '../../src/cli/main';

/** Runs the CLI in-process with a clean environment; returns exit code and output. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: false,
    env: { PATH: process.env.PATH, HOME: home, NPM_CONFIG_USERCONFIG: path.join(home, '.npmrc'), NO_COLOR: '1' },
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** The options of an offline run against a fixture registry: no cache, no separate attestation registry. */
export function fixtureRegistryArgs(registryUrl: string, trustedRoot: string): string[] {
  return ['--cache', '', '--attestation-registry', '', '--registry', registryUrl, '--trusted-root', trustedRoot];
}
