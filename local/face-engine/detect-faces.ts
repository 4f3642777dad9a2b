/**
 * Finds the faces of an upright photo and describes each with a 128-d vector, inside a face
 * worker. The recipe (measured on the dev photos, see FINDINGS): look at the photo as it is; when
 * that finds no face, look again inside a grey border; when still nothing, or only unsure faces,
 * look at the photo turned by a quarter, half and three quarters and keep the turn whose best
 * face is convincing.
 */
import * as tf from '@tensorflow/tfjs';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { BoundingBox } from '../../model/domain.ts';
import {
  borderedView,
  decodeRgb,
  plainView,
  turnedView,
  type ImageView,
  type PixelBox,
  type RgbImage,
  type Turn,
  type ViewKind,
} from './image-views.ts';

/** The detector's own threshold: 0.4 adds real faces; 0.3 adds shoulders, ears and duplicates. */
const DETECTOR_MIN_SCORE = 0.4;
/** A turned view wins only with a face this sure: a wrong turn often finds a face at 0.5-0.8. */
const MIN_TURN_SCORE = 0.8;
const TURNS: Turn[] = [90, 180, 270];

export interface DetectedFace {
  /** Ratios (0-1) of the photo handed in, clamped to it. */
  boundingBox: BoundingBox;
  /** Detector score, 0-100. */
  confidence: number;
  /** The shorter side of the face's box, in pixels of the photo handed in. */
  sidePixels: number;
  /** The 128-d descriptor; absent for faces smaller than the minimum side, never described. */
  descriptor?: Float32Array;
}

export interface FaceDetectionResult {
  width: number;
  height: number;
  /** Which view of the photo the faces were found in. */
  view: ViewKind;
  /** Best score first. */
  faces: DetectedFace[];
}

export interface DetectionOptions {
  /** Faces with a shorter side under this many pixels are reported but not described. */
  minFaceSide: number;
}

interface LocatedFace {
  detection: faceapi.FaceDetection;
  original: PixelBox;
}

/** A view, its tensor (kept for the descriptors) and the faces the detector located in it. */
interface Sighting {
  view: ImageView;
  tensor: tf.Tensor3D;
  located: LocatedFace[];
}

function toTensor(image: RgbImage): tf.Tensor3D {
  return tf.tensor3d(new Int32Array(image.pixels), [image.height, image.width, 3], 'int32');
}

/** tfjs and face-api's bundled typings describe the same runtime tensor class differently. */
function asFaceApiInput(tensor: tf.Tensor3D): faceapi.TNetInput {
  return tensor as unknown as faceapi.TNetInput;
}

function shorterSide(box: PixelBox): number {
  return Math.min(box.width, box.height);
}

function clampedRatios(box: PixelBox, width: number, height: number): BoundingBox {
  const left = Math.min(Math.max(box.x, 0), width);
  const top = Math.min(Math.max(box.y, 0), height);
  const right = Math.min(Math.max(box.x + box.width, 0), width);
  const bottom = Math.min(Math.max(box.y + box.height, 0), height);
  return {
    left: left / width,
    top: top / height,
    width: (right - left) / width,
    height: (bottom - top) / height,
  };
}

class FaceFinder {
  private readonly sightings: Sighting[] = [];

  constructor(
    private readonly image: RgbImage,
    private readonly options: DetectionOptions,
  ) {}

  async detect(): Promise<FaceDetectionResult> {
    try {
      return await this.describe(await this.chooseSighting());
    } finally {
      for (const sighting of this.sightings) sighting.tensor.dispose();
    }
  }

  private async chooseSighting(): Promise<Sighting> {
    const plain = await this.look(plainView(this.image));
    const plainFaces = this.describable(plain).length;
    const plainScore = this.bestScore(plain);
    if (plainScore >= MIN_TURN_SCORE) return plain;

    if (plainFaces === 0) {
      const bordered = await this.look(await borderedView(this.image));
      if (this.describable(bordered).length > 0) return bordered;
      this.discard(bordered);
    }

    // Nothing, or only unsure faces: a photo turned sideways in its pixels (no EXIF) often shows
    // its face at 0.4-0.5. A turn wins only with a sure face, surer than upright, and no fewer
    // faces, so a group of small unsure faces is not traded for one.
    let bestTurn: Sighting | undefined;
    let bestTurnScore = Math.max(MIN_TURN_SCORE, plainScore);
    for (const turn of TURNS) {
      const turned = await this.look(await turnedView(this.image, turn));
      const score = this.bestScore(turned);
      if (score > bestTurnScore && this.describable(turned).length >= plainFaces) {
        if (bestTurn) this.discard(bestTurn);
        bestTurn = turned;
        bestTurnScore = score;
      } else {
        this.discard(turned);
      }
    }
    return bestTurn ?? plain;
  }

  private async look(view: ImageView): Promise<Sighting> {
    const tensor = toTensor(view.image);
    const sighting: Sighting = { view, tensor, located: [] };
    this.sightings.push(sighting);
    const detections = await faceapi.detectAllFaces(
      asFaceApiInput(tensor),
      new faceapi.SsdMobilenetv1Options({ minConfidence: DETECTOR_MIN_SCORE }),
    );
    sighting.located = detections
      .map((detection) => ({ detection, original: view.toOriginal(detection.box) }))
      .sort((a, b) => b.detection.score - a.detection.score);
    return sighting;
  }

  /** Frees a view's tensor early: a 2048 px photo takes 38 MB as int32. */
  private discard(sighting: Sighting): void {
    sighting.tensor.dispose();
    this.sightings.splice(this.sightings.indexOf(sighting), 1);
  }

  private bestScore(sighting: Sighting): number {
    return Math.max(0, ...this.describable(sighting).map((face) => face.detection.score));
  }

  private describable(sighting: Sighting): LocatedFace[] {
    return sighting.located.filter(
      (face) => shorterSide(face.original) >= this.options.minFaceSide,
    );
  }

  private async describe(sighting: Sighting): Promise<FaceDetectionResult> {
    const described = await new faceapi.DetectAllFaceLandmarksTask(
      Promise.resolve(
        this.describable(sighting).map((face) =>
          faceapi.extendWithFaceDetection({}, face.detection),
        ),
      ),
      asFaceApiInput(sighting.tensor),
      false,
    ).withFaceDescriptors();
    const descriptors = new Map(described.map((face) => [face.detection, face.descriptor]));

    const { width, height } = this.image;
    return {
      width,
      height,
      view: sighting.view.kind,
      faces: sighting.located.map((face) => ({
        boundingBox: clampedRatios(face.original, width, height),
        confidence: face.detection.score * 100,
        sidePixels: shorterSide(face.original),
        descriptor: descriptors.get(face.detection),
      })),
    };
  }
}

/** Detects and describes the faces of a JPEG; the caller must have loaded the models. */
export async function detectFaces(
  jpeg: Buffer,
  options: DetectionOptions,
): Promise<FaceDetectionResult> {
  return new FaceFinder(await decodeRgb(jpeg), options).detect();
}
