import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/** File extensions read as images, compared in lower case. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  ".png",
  ".jpg",
  ".jpeg",
  ".bmp",
  ".tif",
  ".tiff",
];

/** Compares by UTF-16 code units, like Python's `sorted`; never locale-aware. */
export function compareNames(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Returns whether a file name has an image extension, in any letter case. */
export function isImageName(name: string): boolean {
  return (
    !name.startsWith(".") &&
    IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())
  );
}

/** Returns whether a path is an existing directory. */
export async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** Returns whether a path is an existing file. */
export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Names of the image files of a directory, sorted by name. */
export async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && isImageName(e.name))
    .map((e) => e.name)
    .sort(compareNames);
}

/** Names of the subdirectories of a directory, sorted by name. */
export async function listDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort(compareNames);
}

/** Path relative to `root` with `/` separators. */
export function relativeTo(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/** File name without its extension. */
export function stemOf(name: string): string {
  return name.slice(0, name.length - path.extname(name).length);
}
