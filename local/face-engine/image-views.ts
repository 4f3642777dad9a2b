/**
 * The pictures the detector is shown: the photo itself, the photo inside a grey border, and the
 * photo turned by a quarter, half or three quarters. Each knows how to map a box it sees back to
 * the pixels of the photo it was made from.
 */
import sharp from 'sharp';

/** Raw RGB pixels, 3 bytes a pixel, row by row. */
export interface RgbImage {
  pixels: Buffer;
  width: number;
  height: number;
}

/** A box in pixels. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type ViewKind = 'plain' | 'border' | 'turn90' | 'turn180' | 'turn270';

export interface ImageView {
  kind: ViewKind;
  image: RgbImage;
  /** Maps a box of this view to the same region of the original photo. */
  toOriginal(box: PixelBox): PixelBox;
}

/** Grey, not edge pixels: a replicated edge makes the detector see faces that are not there. */
const BORDER_GREY = { r: 128, g: 128, b: 128 };
/** The border on each side, as a fraction of the photo's longer side. */
const BORDER_FRACTION = 0.5;
/** The detector shrinks its input to 512 px anyway; a bigger canvas only costs memory. */
const MAX_BORDERED_SIDE = 2048;

export async function decodeRgb(jpeg: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(jpeg)
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) {
    throw new RangeError(`Expected 3 colour channels after decoding, got ${info.channels}`);
  }
  return { pixels: data, width: info.width, height: info.height };
}

function rawInput(image: RgbImage) {
  return sharp(image.pixels, {
    raw: { width: image.width, height: image.height, channels: 3 },
  });
}

async function toRgb(pipeline: sharp.Sharp): Promise<RgbImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

export function plainView(image: RgbImage): ImageView {
  return { kind: 'plain', image, toOriginal: (box) => box };
}

/** The photo, shrunk if need be, centred on a grey canvas: tight crops become findable faces. */
export async function borderedView(image: RgbImage): Promise<ImageView> {
  const longerSide = Math.max(image.width, image.height);
  const scale = Math.min(1, MAX_BORDERED_SIDE / (longerSide * (1 + 2 * BORDER_FRACTION)));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const border = Math.round(BORDER_FRACTION * Math.max(width, height));

  // sharp always resizes before it extends, whatever the order of the calls.
  const bordered = await toRgb(
    rawInput(image).resize(width, height, { fit: 'fill' }).extend({
      top: border,
      bottom: border,
      left: border,
      right: border,
      background: BORDER_GREY,
    }),
  );

  const scaleX = image.width / width;
  const scaleY = image.height / height;
  return {
    kind: 'border',
    image: bordered,
    toOriginal: (box) => ({
      x: (box.x - border) * scaleX,
      y: (box.y - border) * scaleY,
      width: box.width * scaleX,
      height: box.height * scaleY,
    }),
  };
}

export type Turn = 90 | 180 | 270;

/** Where a point of a view turned clockwise by `turn` was in a photo of that width and height. */
function unturnPoint(turn: Turn, width: number, height: number, u: number, v: number) {
  switch (turn) {
    case 90:
      return { x: v, y: height - u };
    case 180:
      return { x: width - u, y: height - v };
    case 270:
      return { x: width - v, y: u };
  }
}

/** The photo turned clockwise by `turn` degrees, for photos whose pixels lie on their side. */
export async function turnedView(image: RgbImage, turn: Turn): Promise<ImageView> {
  const turned = await toRgb(rawInput(image).rotate(turn));
  return {
    kind: `turn${turn}`,
    image: turned,
    toOriginal: (box) => {
      const a = unturnPoint(turn, image.width, image.height, box.x, box.y);
      const b = unturnPoint(turn, image.width, image.height, box.x + box.width, box.y + box.height);
      return {
        x: Math.min(a.x, b.x),
        y: Math.min(a.y, b.y),
        width: Math.abs(a.x - b.x),
        height: Math.abs(a.y - b.y),
      };
    },
  };
}
