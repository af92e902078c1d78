/**
 * The diagram folder as the server sees it: safe relative paths (only
 * `.bpmn` files, resolved by realpath and kept inside the folder), listing,
 * version tags, and atomic writes. Node only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { HttpError } from './http.js';

/** The extension of the only files the server reads and writes. */
export const DIAGRAM_EXTENSION = '.bpmn';

/** Names of the calendars file, looked up next to the diagrams (see docs/calendars.md). */
export const CALENDAR_FILES = ['calendars.json', 'calendars.yaml', 'calendars.yml'] as const;

/** Folders never listed: tooling, dependencies and hidden folders. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'coverage', 'test-results']);

/** One diagram in the folder. */
export interface DiagramEntry {
  /** Relative to the folder, with `/` separators. */
  path: string;
  size: number;
  /** Last change, epoch ms. */
  modified: number;
}

/**
 * Checks a client-given path before it touches the file system: relative,
 * `/`-separated, no `.`/`..`/empty segments, no NUL or backslash, ending in
 * `.bpmn`. Pure. Returns the normalised path (segments joined by `/`).
 * @throws HttpError 400 for a malformed, absolute or escaping path; 403 for a file that is not a diagram
 */
export function checkDiagramPath(raw: string): string {
  if (raw === '' || raw.length > 1024) throw new HttpError(400, 'bad-path', 'Expected a diagram path relative to the folder.');
  if (raw.includes('\0') || raw.includes('\\')) throw new HttpError(400, 'bad-path', `Path '${raw}' contains a NUL or a backslash.`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw new HttpError(400, 'bad-path', `Path '${raw}' is absolute; expected a path relative to the folder.`);
  const segments = raw.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw new HttpError(400, 'bad-path', `Path '${raw}' has an empty, '.' or '..' segment.`);
  if (!raw.toLowerCase().endsWith(DIAGRAM_EXTENSION) || segments.at(-1) === DIAGRAM_EXTENSION) {
    throw new HttpError(403, 'not-a-diagram', `Path '${raw}' is not a ${DIAGRAM_EXTENSION} file; the server reads and writes only diagrams.`);
  }
  return segments.join('/');
}

/** True when `path` is `root` or inside it (both real, absolute paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolves a checked relative path to an absolute file inside `root` (a
 * realpath). An existing file is followed through symlinks and must stay
 * inside; a new one must have its deepest existing folder inside.
 * @throws HttpError 403 when the path leads out of the folder (a symlink) or is not a regular file; 404 when `mustExist` and it does not exist
 */
export async function resolveDiagram(root: string, relPath: string, options: { mustExist: boolean }): Promise<string> {
  const path = join(root, ...checkDiagramPath(relPath).split('/'));
  let real: string | undefined;
  try {
    real = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (real !== undefined) {
    if (!isInside(root, real)) throw new HttpError(403, 'outside-folder', `'${relPath}' leads out of the diagram folder.`);
    if (!real.toLowerCase().endsWith(DIAGRAM_EXTENSION)) throw new HttpError(403, 'not-a-diagram', `'${relPath}' points to a file that is not a ${DIAGRAM_EXTENSION} file.`);
    if (!(await stat(real)).isFile()) throw new HttpError(403, 'not-a-file', `'${relPath}' is not a file.`);
    return real;
  }
  // A dangling symlink would be followed by the write: refuse it.
  if (await lstat(path).then(() => true, () => false)) throw new HttpError(403, 'outside-folder', `'${relPath}' is a link to nothing.`);
  if (options.mustExist) throw new HttpError(404, 'not-found', `No diagram '${relPath}'.`);
  let ancestor = dirname(path);
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  if (!isInside(root, await realpath(ancestor))) throw new HttpError(403, 'outside-folder', `'${relPath}' leads out of the diagram folder.`);
  return path;
}

/**
 * Lists the `.bpmn` files under `root` (sub-folders included, hidden and
 * tooling folders skipped), sorted by path. Symlinks are listed only when
 * they resolve inside the folder; folders reached twice are read once.
 */
export async function listDiagrams(root: string): Promise<DiagramEntry[]> {
  const found: DiagramEntry[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real) || !isInside(root, real)) return;
    seen.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      let info;
      try {
        const target = entry.isSymbolicLink() ? await realpath(path) : path;
        if (!isInside(root, target)) continue;
        info = await stat(target);
      } catch {
        continue; // a dangling link or a file removed meanwhile
      }
      if (info.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await walk(path, rel);
      } else if (info.isFile() && entry.name.toLowerCase().endsWith(DIAGRAM_EXTENSION)) {
        found.push({ path: rel, size: info.size, modified: Math.round(info.mtimeMs) });
      }
    }
  };
  await walk(root, '');
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A strong version tag of file contents (quoted, as in an HTTP `ETag`). Pure. */
export function etagOf(content: Uint8Array | string): string {
  return `"${createHash('sha256').update(content).digest('hex').slice(0, 32)}"`;
}

/** The contents and version tag of a file, or undefined when it does not exist. */
export async function readVersioned(path: string): Promise<{ content: Buffer; etag: string } | undefined> {
  try {
    const content = await readFile(path);
    return { content, etag: etagOf(content) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes a file atomically: the data goes to a new temporary file in the
 * same folder (flushed to disk), which is then renamed over the target, so
 * readers see the old file or the new one, never a half-written one. The
 * temporary file is removed if anything fails. Missing parent folders are
 * created.
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * The calendars file for a diagram: `calendars.json|yaml|yml` in the
 * diagram's folder, else in a parent folder (up to the file-system root).
 */
export function findCalendarsFile(startDir: string): string | undefined {
  for (let dir = startDir; ; dir = dirname(dir)) {
    for (const name of CALENDAR_FILES) if (existsSync(join(dir, name))) return join(dir, name);
    if (dir === dirname(dir)) return undefined;
  }
}
