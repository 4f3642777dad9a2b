/**
 * Makes an upright image acceptable to Rekognition: JPEG or PNG bytes of at most 5 MB, at least
 * 80 px a side. Face boxes come back as ratios of the image, so a uniform rescale here changes
 * no box the pipeline reads.
 */
import sharp from 'sharp';
import type { UprightImage } from '../ports.ts';

/** The largest `Image.Bytes` Rekognition takes (an `S3Object` may be 15 MB). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The smallest side Rekognition takes. */
export const MIN_IMAGE_SIDE = 80;

const JPEG_QUALITIES = [85, 75, 65];
/** Each extra pass after the qualities above shrinks the sides by this factor. */
const SHRINK = 0.75;

function isJpeg(bytes: Buffer): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function isPng(bytes: Buffer): boolean {
  return bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes[4] === 0x0d;
}

async function encode(image: UprightImage, width: number, height: number, quality: number) {
  return sharp(image.jpeg)
    .resize({ width, height, fit: 'fill' })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}

/** Bytes that Rekognition accepts, encoding the image again only when it must. */
export async function rekognitionBytes(image: UprightImage): Promise<Buffer> {
  const shortSide = Math.min(image.width, image.height);
  const grow = shortSide < MIN_IMAGE_SIDE ? MIN_IMAGE_SIDE / shortSide : 1;
  const fits = isJpeg(image.jpeg) || isPng(image.jpeg);
  if (fits && grow === 1 && image.jpeg.length <= MAX_IMAGE_BYTES) return image.jpeg;

  let width = Math.ceil(image.width * grow);
  let height = Math.ceil(image.height * grow);
  for (const quality of JPEG_QUALITIES) {
    const bytes = await encode(image, width, height, quality);
    if (bytes.length <= MAX_IMAGE_BYTES) return bytes;
  }
  const lastQuality = JPEG_QUALITIES[JPEG_QUALITIES.length - 1]!;
  for (;;) {
    width = Math.max(MIN_IMAGE_SIDE, Math.floor(width * SHRINK));
    height = Math.max(MIN_IMAGE_SIDE, Math.floor(height * SHRINK));
    const bytes = await encode(image, width, height, lastQuality);
    if (bytes.length <= MAX_IMAGE_BYTES || Math.min(width, height) === MIN_IMAGE_SIDE) {
      return bytes;
    }
  }
}
