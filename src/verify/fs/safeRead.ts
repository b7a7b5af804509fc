/**
 * Reading project files (package.json, lockfiles, .npmrc, trust material) that a workspace or a checkout
 * controls: only regular files, never more than a cap.
 *
 * A workspace can make `package.json` a FIFO (a plain open() would wait forever for a writer) or a link to
 * `/dev/zero` (endless). So the file is opened non-blocking (opening a FIFO then returns at once), checked
 * with fstat on the opened descriptor (what is read is what was checked: no race with a rename), refused
 * unless it is a regular file, and read only up to the cap (a file that grows while it is read is refused
 * too). Symbolic links to regular files are followed, as the package manager follows them.
 */
import * as fs from 'node:fs';
import { formatBytes } from '../util/bytes';

/** Caps on what is read from project and configuration files. */
export const FILE_LIMITS = {
  /** package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, bun.lock. */
  lockfile: 64 * 1024 * 1024,
  /** package.json. */
  manifest: 8 * 1024 * 1024,
  /** .npmrc files, and the files they point at (cafile). */
  npmrc: 8 * 1024 * 1024,
  /** trusted_root.json, npm keys files. */
  trust: 8 * 1024 * 1024,
} as const;

export type UnsafeFileReason = 'not-a-regular-file' | 'too-large';

/**
 * A file that was refused: not a regular file, or larger than the cap. It has no `code` (unlike Node's
 * fs errors), so callers that report `err.code ?? err.message` show the full explanation.
 */
export class UnsafeFileError extends Error {
  override readonly name = 'UnsafeFileError';
  constructor(
    readonly reason: UnsafeFileReason,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export function isUnsafeFileError(value: unknown): value is UnsafeFileError {
  return value instanceof UnsafeFileError;
}

export interface SafeReadOptions {
  /** Largest size read; a larger file is refused. */
  maxBytes: number;
  /** For messages: "lockfile", "package.json", ".npmrc", "trusted root"... Default "file". */
  what?: string;
}

// O_NONBLOCK does not exist on Windows (there is no FIFO to block on there).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(file: string, st: fs.Stats, what: string): UnsafeFileError {
  return new UnsafeFileError('not-a-regular-file', file, `${what} ${file} is ${kindOf(st)}, not a regular file; not read`);
}

function tooLarge(file: string, maxBytes: number, what: string): UnsafeFileError {
  return new UnsafeFileError('too-large', file, `${what} ${file} is larger than ${formatBytes(maxBytes)}; not read`);
}

/** Refuses what was opened unless it is a regular file no larger than the cap (checked on the descriptor). */
function checkOpened(file: string, st: fs.Stats, maxBytes: number, what: string): void {
  if (!st.isFile()) throw notRegular(file, st, what);
  if (st.size > maxBytes) throw tooLarge(file, maxBytes, what);
}

/**
 * The chunks read so far from an opened file, refusing more than `maxBytes` (a file that grows while it
 * is read, or a device that never ends). Shared by the asynchronous and the synchronous read loops.
 */
class CappedChunks {
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly file: string,
    private readonly maxBytes: number,
    private readonly what: string,
  ) {}

  /** A buffer for the next read: never more than one byte past the cap, so a larger file is noticed. */
  next(): Buffer {
    return Buffer.allocUnsafe(Math.min(CHUNK, this.maxBytes + 1 - this.total) || 1);
  }

  /** Keeps what a read put in `buf`; false at the end of the file. Throws UnsafeFileError past the cap. */
  add(buf: Buffer, bytesRead: number): boolean {
    if (bytesRead === 0) return false;
    this.total += bytesRead;
    if (this.total > this.maxBytes) throw tooLarge(this.file, this.maxBytes, this.what);
    this.chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    return true;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.total);
  }
}

/** The bytes of a regular file of at most `maxBytes`; throws UnsafeFileError otherwise (and fs errors such as ENOENT as they are). */
export async function readRegularFile(file: string, options: SafeReadOptions): Promise<Buffer> {
  const what = options.what ?? 'file';
  const handle = await fs.promises.open(file, OPEN_FLAGS);
  try {
    checkOpened(file, await handle.stat(), options.maxBytes, what);
    const chunks = new CappedChunks(file, options.maxBytes, what);
    for (;;) {
      const buf = chunks.next();
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (!chunks.add(buf, bytesRead)) return chunks.bytes();
    }
  } finally {
    await handle.close();
  }
}

/** UTF-8 text of a regular file (see readRegularFile). */
export async function readRegularTextFile(file: string, options: SafeReadOptions): Promise<string> {
  return (await readRegularFile(file, options)).toString('utf8');
}

/** Synchronous readRegularFile (for configuration loaded synchronously, such as .npmrc). */
export function readRegularFileSync(file: string, options: SafeReadOptions): Buffer {
  const what = options.what ?? 'file';
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    checkOpened(file, fs.fstatSync(fd), options.maxBytes, what);
    const chunks = new CappedChunks(file, options.maxBytes, what);
    for (;;) {
      const buf = chunks.next();
      const bytesRead = fs.readSync(fd, buf, 0, buf.length, null);
      if (!chunks.add(buf, bytesRead)) return chunks.bytes();
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function readRegularTextFileSync(file: string, options: SafeReadOptions): string {
  return readRegularFileSync(file, options).toString('utf8');
}
