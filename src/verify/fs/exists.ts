/** Whether a path exists, for lookups up a folder tree (a `.git`, a policy file, a `.yarnrc.yml`). */
import { promises as fs } from 'node:fs';

/** Whether something exists at `p`: a file, a folder, or what a symbolic link points at. Never throws. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
