/**
 * Step 1: turn the raw bytes into an upright, size-capped JPEG that every face engine accepts,
 * or fail with the typed reason why the photo cannot be read.
 */
import sharp from 'sharp';
import {
  CorruptImageError,
  EmptyImageError,
  ImageTooLargeError,
  ImageTooSmallError,
  UnsupportedImageError,
} from '../model/errors.ts';
import type { UprightImage } from './ports.ts';

/** Formats sharp decodes with its prebuilt binaries; HEIC needs a patent-encumbered codec. */
const READABLE_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif']);
/** Decoding more pixels than this (about 10,000 x 10,000) is refused rather than attempted. */
const MAX_INPUT_PIXELS = 100_000_000;
/** Below this side no face engine finds a face; Rekognition itself asks for 80 px. */
const MIN_SIDE = 16;
const JPEG_QUALITY = 90;

export interface NormalizeOptions {
  /** Longest side of the result, in pixels. */
  maxSide: number;
}

function decodeError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format|bad seek|heif|no decoder/i.test(message)) {
    return new UnsupportedImageError(`Not an image format face-groups reads: ${message}`, {
      cause: error,
    });
  }
  if (/pixel limit/i.test(message)) {
    return new ImageTooLargeError(`The image has more than ${MAX_INPUT_PIXELS} pixels`);
  }
  return new CorruptImageError(`The image is corrupt or truncated: ${message}`, { cause: error });
}

export async function normalizeImage(
  bytes: Buffer,
  options: NormalizeOptions,
): Promise<UprightImage> {
  if (bytes.length === 0) throw new EmptyImageError();

  const metadata = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
    .metadata()
    .catch((error: unknown) => {
      throw decodeError(error);
    });
  if (!metadata.format || !READABLE_FORMATS.has(metadata.format)) {
    throw new UnsupportedImageError(
      `Images of format ${metadata.format ?? 'unknown'} are not read`,
    );
  }
  if ((metadata.width ?? 0) < MIN_SIDE || (metadata.height ?? 0) < MIN_SIDE) {
    const size = `${metadata.width}x${metadata.height}`;
    throw new ImageTooSmallError(`The image is ${size}; faces need at least ${MIN_SIDE} px a side`);
  }

  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize({
      width: options.maxSide,
      height: options.maxSide,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw decodeError(error);
    });
  return { jpeg: data, width: info.width, height: info.height };
}
