/** Reading a file as it was at a git ref, through `git` (execFile, no shell). */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export class GitError extends Error {}

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) => {
        if (err) reject(new GitError((stderr || err.message).trim().split('\n')[0] ?? err.message));
        else resolve(stdout);
      },
    );
  });
}

/**
 * The text of `file` at `ref`, or undefined when the file did not exist there. Throws GitError when `file`
 * is not in a git work tree or `ref` names no commit.
 */
export async function fileAtRef(file: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) throw new GitError(`'${ref}' is not a git ref`);
  const dir = path.dirname(file);
  let top: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'], dir)).trim();
  } catch (err) {
    throw new GitError(`${dir} is not in a git repository (${(err as Error).message})`);
  }
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  } catch {
    throw new GitError(`'${ref}' is not a commit in ${top} (in CI, fetch it first: actions/checkout with fetch-depth: 0)`);
  }
  const rel = path
    .relative(await fs.realpath(top), await fs.realpath(file))
    .split(path.sep)
    .join('/');
  if (rel.startsWith('../')) throw new GitError(`${file} is outside the repository ${top}`);
  try {
    return await git(['show', `${ref}:${rel}`], top);
  } catch {
    return undefined; // not in that commit: the lockfile is new
  }
}
