/**
 * What a signed identity string may look like before it is shown or compared.
 *
 * Facts are shown exactly as they were signed. A string that a URL parser, a browser or a Markdown
 * renderer would read differently from its bytes (dot segments, percent-encodings, fragments,
 * queries, backslashes, whitespace, control characters) is therefore refused, never normalised: a
 * repository `https://github.com/acme/widget%2F..` or a workflow `.github/workflows/../../x.yml`
 * would otherwise be shown as something other than what was signed.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Characters no repository URL, workflow path or run URL we accept contains. */
const UNPLAIN = /[\s%#?\\]/;

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const GITLAB_SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$/;
const PATH_SEGMENT = /^[^\s%#?\\@/]{1,255}$/;

export const GITHUB_SERVER = 'https://github.com';

function plain(s: string): boolean {
  return s.length > 0 && s.length <= 2048 && !CONTROL.test(s) && !UNPLAIN.test(s);
}

const dotSegment = (seg: string): boolean => seg === '.' || seg === '..';

/** `https://github.com/<owner>/<repo>` exactly (no trailing slash, no `.git`): owner/repo, else undefined. */
export function githubRepoPath(url: string): string | undefined {
  if (!plain(url) || !url.startsWith(`${GITHUB_SERVER}/`)) return undefined;
  const parts = url.slice(GITHUB_SERVER.length + 1).split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!GITHUB_OWNER.test(owner) || !GITHUB_REPO_NAME.test(repo) || dotSegment(repo) || repo.toLowerCase().endsWith('.git'))
    return undefined;
  return `${owner}/${repo}`;
}

/** `<origin>/<group>/.../<project>` on exactly that https origin, with GitLab's path rules. */
export function isGitlabProjectUrl(url: string, origin: string): boolean {
  if (!plain(url) || !url.startsWith(`${origin}/`)) return false;
  const segments = url.slice(origin.length + 1).split('/');
  if (segments.length < 2 || segments.length > 20) return false;
  return segments.every((s) => GITLAB_SEGMENT.test(s) && !dotSegment(s) && !s.endsWith('.git') && !s.endsWith('.atom') && s !== '-');
}

/** A relative file path of plain segments: no leading `/`, no empty, `.` or `..` segment, no `@`. */
export function isPlainRelativePath(p: string): boolean {
  if (!plain(p) || p.length > 512) return false;
  const segments = p.split('/');
  return segments.length <= 32 && segments.every((s) => PATH_SEGMENT.test(s) && !dotSegment(s));
}

/** A git ref as `git check-ref-format` allows it, under `refs/`. */
export function isGitRef(ref: string): boolean {
  if (ref.length > 1024 || CONTROL.test(ref) || !ref.startsWith('refs/')) return false;
  if (/[\s~^:?*[\\]/.test(ref) || ref.includes('..') || ref.includes('@{') || ref.includes('//')) return false;
  if (ref.endsWith('/') || ref.endsWith('.')) return false;
  return ref.split('/').every((c) => c.length > 0 && !c.startsWith('.') && !c.endsWith('.lock'));
}

/** A git branch or tag name as GitLab's CI_COMMIT_REF_NAME gives it (a ref without `refs/<kind>/`). */
export function isGitRefName(name: string): boolean {
  return isGitRef(`refs/heads/${name}`);
}

/** A full git commit id (SHA-1, or SHA-256 for repositories that use it), lower-case hex. */
export function isCommitId(sha: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha);
}

/** A GitHub Actions run of `repository`: `<repository>/actions/runs/<id>[/attempts/<n>]`. */
export function isGithubRun(run: string, repository: string): boolean {
  return run.startsWith(`${repository}/`) && /^\/actions\/runs\/\d{1,20}(?:\/attempts\/\d{1,6})?$/.test(run.slice(repository.length));
}

/** A GitLab CI job of `project`: `<project>/-/jobs/<id>`. */
export function isGitlabJob(run: string, project: string): boolean {
  return run.startsWith(`${project}/`) && /^\/-\/jobs\/\d{1,20}$/.test(run.slice(project.length));
}

/**
 * A GitLab job name (npm's GitLab provenance states the job as its entry point): a name, not a path,
 * so inner spaces are allowed, but nothing a renderer or parser would read differently.
 */
export function isPlainJobName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || CONTROL.test(name) || /[%#?\\\t\n\r]/.test(name)) return false;
  if (name !== name.trim()) return false;
  return !name.split('/').some(dotSegment);
}
