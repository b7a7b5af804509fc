/**
 * Repository identities compared by host/owner/name, case-insensitively: `https://github.com/o/r`,
 * `git+https://github.com/o/r.git`, `git@github.com:o/r.git`, `github:o/r` and the `o/r` shorthand (GitHub)
 * are all `github.com/o/r`. GitLab subgroups keep every path segment.
 */

const SHORTCUT_HOSTS: Record<string, string> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' };

/** `host/owner/…/name` in lower case, or undefined when `url` is not a recognisable repository location. */
export function repositoryKey(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let s = url.trim();
  if (!s || s.length > 2000) return undefined;
  const shortcut = /^(github|gitlab|bitbucket):([^\s#]+)$/i.exec(s);
  if (shortcut) s = `https://${SHORTCUT_HOSTS[shortcut[1]!.toLowerCase()]}/${shortcut[2]}`;
  else if (/^[\w.-]+\/[\w.-]+$/.test(s)) s = `https://github.com/${s}`;
  const scp = /^(?:[\w.-]+@)?([\w.-]+\.[a-z]{2,}):(?!\/\/)(.+)$/i.exec(s);
  if (scp && !/^[a-z+]+:\/\//i.test(s)) s = `ssh://${scp[1]}/${scp[2]}`;
  s = s.replace(/^git\+/i, '');
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(u.protocol) || !u.hostname) return undefined;
  let p = decodeURIComponent(u.pathname)
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
  // https://github.com/o/r/tree/main/packages/x → the repository itself
  if (/^(www\.)?github\.com$/i.test(u.hostname)) p = p.split('/').slice(0, 3).join('/');
  else p = p.replace(/\/-\/.*$/, ''); // GitLab: /group/project/-/tree/…
  const segments = p.split('/').filter(Boolean);
  if (segments.length < 2) return undefined;
  return `${u.hostname.replace(/^www\./i, '')}/${segments.join('/')}`.toLowerCase();
}

/** A pattern like `github.com/myorg/*` (`*`: one path segment, `**`: any number) against a repository URL. */
export function repositoryMatches(pattern: string, url: string | undefined): boolean {
  const key = repositoryKey(url);
  if (!key) return false;
  const p = pattern
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  if (!p.includes('/')) return false;
  const re = new RegExp(
    `^${p
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(key);
}

/** `.github/workflows/release.yml` from either provenance form (v1 path, or v0.2 `owner/repo/.github/workflows/x.yml@ref`). */
export function workflowFile(workflowPath: string | undefined): string | undefined {
  if (!workflowPath) return undefined;
  let s = workflowPath.trim().replace(/@[^@]*$/, '');
  const i = s.indexOf('.github/workflows/');
  if (i > 0) s = s.slice(i);
  return s || undefined;
}

export type RefKind = 'tag' | 'branch' | 'other';

export function refKind(ref: string | undefined): RefKind | undefined {
  if (!ref) return undefined;
  if (ref.startsWith('refs/tags/')) return 'tag';
  if (ref.startsWith('refs/heads/')) return 'branch';
  return 'other';
}
