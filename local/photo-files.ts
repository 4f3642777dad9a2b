/**
 * The files of a folder that the CLI uploads as photos. Every file with an image-looking name is
 * uploaded, including formats the pipeline does not read (HEIC, camera raw...): those end FAILED
 * with a reason, which is what a user of the deployed product would see. Other files (labels,
 * notes) are reported as skipped; dot-files and dot-folders are ignored.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const IMAGE_EXTENSIONS = new Set([
  ...['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.avif', '.bmp'],
  ...['.tif', '.tiff', '.heic', '.heif', '.jxl', '.svg', '.ico'],
  ...['.dng', '.cr2', '.cr3', '.nef', '.arw', '.orf', '.rw2', '.raf'],
]);

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpe': 'image/jpeg',
  '.jfif': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
};

export interface PhotoFile {
  /** Path on disk. */
  path: string;
  /** Path relative to the folder, with `/` separators: the name under the owner's prefix. */
  name: string;
  contentType: string;
}

export interface PhotoFolder {
  photos: PhotoFile[];
  /** Relative names of the files that do not look like images. */
  skipped: string[];
}

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

/** The folder's photos, sub-folders included, sorted by name. */
export function listPhotoFiles(folder: string): PhotoFolder {
  const found: PhotoFolder = { photos: [], skipped: [] };
  collect(folder, '', found);
  found.photos.sort((a, b) => a.name.localeCompare(b.name));
  found.skipped.sort();
  return found;
}

function collect(folder: string, prefix: string, found: PhotoFolder): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    const name = `${prefix}${entry.name}`;
    // Follows symbolic links, like a user dragging the folder into an upload dialog.
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats?.isDirectory()) {
      collect(path, `${name}/`, found);
    } else if (stats?.isFile()) {
      if (isImageName(entry.name)) {
        const contentType =
          CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
        found.photos.push({ path, name, contentType });
      } else {
        found.skipped.push(name);
      }
    }
  }
}
