/** Step: cut a square face thumbnail out of the upright image for each face box. */
import sharp from 'sharp';
import type { BoundingBox } from '../model/domain.ts';
import type { UprightImage } from './ports.ts';

export const THUMBNAIL_SIDE = 160;
/** Room left around the face box, as a fraction of its larger side, so hair and chin show. */
const MARGIN = 0.25;

interface PixelRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A square around the box's centre, grown by the margin and kept inside the image. */
export function thumbnailRegion(box: BoundingBox, width: number, height: number): PixelRegion {
  const centreX = (box.left + box.width / 2) * width;
  const centreY = (box.top + box.height / 2) * height;
  const faceSide = Math.max(box.width * width, box.height * height);
  const side = Math.max(1, Math.min(Math.round(faceSide * (1 + 2 * MARGIN)), width, height));
  const left = Math.round(Math.min(Math.max(centreX - side / 2, 0), width - side));
  const top = Math.round(Math.min(Math.max(centreY - side / 2, 0), height - side));
  return { left, top, width: side, height: side };
}

/** One JPEG thumbnail per box, in the order of the boxes. */
export async function cropThumbnails(image: UprightImage, boxes: BoundingBox[]): Promise<Buffer[]> {
  if (boxes.length === 0) return [];
  const { data, info } = await sharp(image.jpeg).raw().toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  return Promise.all(
    boxes.map((box) =>
      sharp(data, { raw })
        .extract(thumbnailRegion(box, info.width, info.height))
        .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'cover' })
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );
}
