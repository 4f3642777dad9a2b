/**
 * A face engine that reads faces from colours: each half (left, right) of a photo painted in a
 * saturated colour shows one face, of the person that colour stands for; grey, white and black
 * show nobody. Tests that go through files and the S3 API (where photo ids are not known ahead)
 * can say who is in a photo by how they paint it.
 */
import sharp from 'sharp';
import type {
  FaceMatch,
  IndexFacesResult,
  SearchOptions,
  UprightImage,
} from '../../ingestion/ports.ts';
import type { ClosableFaceEngine } from '../../local/stack.ts';

interface ColourFace {
  ownerId: string;
  photoId: string;
  colour: string;
}

/** The colours a photo's halves can show, as sharp reads them. */
export const FACE_COLOURS = {
  red: '#e02020',
  green: '#20c020',
  blue: '#2040e0',
  yellow: '#e0e020',
} as const;
export type FaceColour = keyof typeof FACE_COLOURS;

const SAME_PERSON = 97;
const OTHER_PERSON = 10;

/** A JPEG split into as many vertical bands as colours; no colour gives a grey photo. */
export async function colourPhoto(colours: readonly FaceColour[], bandWidth = 160) {
  const bands = colours.length === 0 ? ['#808080'] : colours.map((c) => FACE_COLOURS[c]);
  const height = 160;
  const width = bandWidth * bands.length;
  return sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .composite(
      await Promise.all(
        bands.map(async (background, index) => ({
          input: await sharp({
            create: { width: bandWidth, height, channels: 3, background },
          })
            .png()
            .toBuffer(),
          left: index * bandWidth,
          top: 0,
        })),
      ),
    )
    .jpeg()
    .toBuffer();
}

function colourName(red: number, green: number, blue: number): string | undefined {
  if (Math.max(red, green, blue) - Math.min(red, green, blue) < 80) return undefined;
  const high = (channel: number) => channel > 128;
  const key = `${high(red) ? 'r' : ''}${high(green) ? 'g' : ''}${high(blue) ? 'b' : ''}`;
  return { r: 'red', g: 'green', b: 'blue', rg: 'yellow' }[key] ?? key;
}

export class ColourFaceEngine implements ClosableFaceEngine {
  readonly faces = new Map<string, ColourFace>();
  closed = false;

  async indexFaces(ownerId: string, photoId: string, image: UprightImage) {
    const bands = Math.max(1, Math.round(image.width / image.height));
    const bandWidth = Math.floor(image.width / bands);
    const result: IndexFacesResult = { faces: [], unindexed: [] };
    for (let index = 0; index < bands; index += 1) {
      const band = await sharp(image.jpeg)
        .extract({ left: index * bandWidth, top: 0, width: bandWidth, height: image.height })
        .toBuffer();
      // stats() reads its input, not the result of the operations: hence the band buffer.
      const { channels } = await sharp(band).stats();
      const [red, green, blue] = channels.map((channel) => channel.mean);
      const colour = colourName(red ?? 0, green ?? 0, blue ?? 0);
      if (colour === undefined) continue;
      const faceId = `${photoId}-${index}`;
      this.faces.set(faceId, { ownerId, photoId, colour });
      result.faces.push({
        faceId,
        boundingBox: {
          left: index / bands + 0.1 / bands,
          top: 0.2,
          width: 0.8 / bands,
          height: 0.6,
        },
        confidence: 99,
      });
    }
    return result;
  }

  async searchFaces(ownerId: string, faceId: string, options: SearchOptions) {
    const probe = this.faces.get(faceId);
    if (probe === undefined) return [];
    const matches: FaceMatch[] = [];
    for (const [otherId, other] of this.faces) {
      if (otherId === faceId || other.ownerId !== ownerId) continue;
      const similarity = other.colour === probe.colour ? SAME_PERSON : OTHER_PERSON;
      if (similarity >= options.threshold) {
        matches.push({ faceId: otherId, photoId: other.photoId, similarity });
      }
    }
    return matches.slice(0, options.maxMatches);
  }

  async deleteFaces(_ownerId: string, faceIds: string[]): Promise<void> {
    for (const faceId of faceIds) this.faces.delete(faceId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
