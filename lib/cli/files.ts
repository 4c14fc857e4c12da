/**
 * Reading and writing files for the command line, with one error mechanism: a
 * FileError names the file and the problem in words (a directory, permission denied, a
 * symbolic link loop, no space left), never a stack. Reads are bounded: netport takes
 * at most MAX_INPUT_BYTES from any file, so `--data /dev/zero` or an endless pipe ends
 * in an error instead of filling memory.
 */
import * as fs from 'node:fs';

/** The most netport reads from one input file. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many symbolic links (a symbolic link loop)',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  ENXIO: 'no such device',
  EBADF: 'bad file descriptor',
  EAGAIN: 'the file is not ready for reading (try again)',
};

/** A file that could not be read or written: `cannot read the net "x.json": is a directory`. */
export class FileError extends Error {
  override readonly name = 'FileError';

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly errno?: string,
    verb = 'read',
  ) {
    super(`cannot ${verb} ${file}: ${problem}${errno ? ` (${errno})` : ''}`);
  }
}

/** The FileError for a Node.js system error, or undefined if it is not one. */
export function fileError(e: unknown, file: string, verb = 'read'): FileError | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  return new FileError(file, PROBLEMS[code] ?? (e as Error).message.replace(/^[A-Z]+: /, '').split(',')[0]!, code, verb);
}

/**
 * A file's bytes, at most `max` of them (more is an error). `what` names it in messages:
 * `the net "net.json"`. Works for regular files, devices and pipes alike.
 */
export function readFileBytes(file: string, what: string, max = MAX_INPUT_BYTES): Buffer {
  const label = `${what} ${JSON.stringify(file.length > 60 ? `${file.slice(0, 57)}...` : file)}`;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw fileError(e, label) ?? e;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new FileError(label, PROBLEMS.EISDIR!, 'EISDIR');
    if (stat.isFile() && stat.size > max) throw new FileError(label, `is larger than ${max / 1024 / 1024} MiB, the most netport reads`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(max + 1, 1 << 20));
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw fileError(e, label) ?? e;
      }
      if (n === 0) break;
      total += n;
      if (total > max) throw new FileError(label, `is larger than ${max / 1024 / 1024} MiB (or never ends), the most netport reads`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** A text file (UTF-8), bounded as readFileBytes. */
export function readTextFile(file: string, what: string, max = MAX_INPUT_BYTES): string {
  return readFileBytes(file, what, max).toString('utf8');
}

/**
 * Whether an argument names an existing file system entry (also a directory, a device,
 * a broken or looping link): then it is read as a file, and its problems are reported.
 */
export function namesFile(arg: string): boolean {
  if (arg.length > 4096 || arg.includes('\0')) return false;
  try {
    fs.lstatSync(arg);
    return true;
  } catch {
    return false;
  }
}
