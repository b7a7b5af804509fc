/**
 * https links for verified facts. Each link is built only from fields that parse under a strict
 * grammar (host, owner/repo character set, 40-hex commit, safe relative path); anything else
 * yields no link rather than a link an attacker could shape.
 */

export type ForgeKind = 'github' | 'gitlab';

export interface Repo {
  forge: ForgeKind;
  /** Canonical https URL (exactly the input when it parsed). */
  url: string;
}

const GITHUB_REPO = /^https:\/\/github\.com\/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;
const GITLAB_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const COMMIT = /^[0-9a-f]{40}$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]{1,255}$/;

/** Parse a repository URL as https://github.com/<owner>/<repo> or https://gitlab.com/<group>/.../<project>. */
export function parseRepo(url: string): Repo | undefined {
  const gh = GITHUB_REPO.exec(url);
  if (gh) {
    const repo = gh[2];
    if (repo === '.' || repo === '..' || repo.endsWith('.git')) return undefined;
    return { forge: 'github', url };
  }
  const prefix = 'https://gitlab.com/';
  if (url.startsWith(prefix)) {
    const segments = url.slice(prefix.length).split('/');
    if (segments.length < 2 || segments.length > 20) return undefined;
    if (!segments.every((s) => GITLAB_SEGMENT.test(s) && !s.endsWith('.git') && !s.endsWith('.atom'))) return undefined;
    if (segments[0] === '-') return undefined;
    return { forge: 'gitlab', url };
  }
  return undefined;
}

export function isCommit(sha: string): boolean {
  return COMMIT.test(sha);
}

/** A relative path made of plain segments: no absolute path, no `.`/`..`, no empty segment. */
export function isSafeRelativePath(p: string): boolean {
  if (p.length === 0 || p.length > 512) return false;
  const segments = p.split('/');
  if (segments.length > 32) return false;
  return segments.every((s) => PATH_SEGMENT.test(s) && s !== '.' && s !== '..');
}

export function commitLink(repo: Repo, sha: string): string | undefined {
  if (!isCommit(sha)) return undefined;
  return repo.forge === 'github' ? `${repo.url}/commit/${sha}` : `${repo.url}/-/commit/${sha}`;
}

export function fileLink(repo: Repo, sha: string, relPath: string | undefined): string | undefined {
  if (!relPath || !isCommit(sha) || !isSafeRelativePath(relPath)) return undefined;
  return repo.forge === 'github' ? `${repo.url}/blob/${sha}/${relPath}` : `${repo.url}/-/blob/${sha}/${relPath}`;
}

export function runLink(repo: Repo, run: string | undefined): string | undefined {
  if (!run || !run.startsWith(`${repo.url}/`)) return undefined;
  const rest = run.slice(repo.url.length);
  const ok =
    repo.forge === 'github' ? /^\/actions\/runs\/\d{1,20}(?:\/attempts\/\d{1,6})?$/.test(rest) : /^\/-\/jobs\/\d{1,20}$/.test(rest);
  return ok ? run : undefined;
}

export function transparencyLogLink(logIndex: string): string | undefined {
  return /^\d{1,20}$/.test(logIndex) ? `https://search.sigstore.dev/?logIndex=${logIndex}` : undefined;
}
