/**
 * Similarity (0-100, Rekognition's scale) from the Euclidean distance of two 128-d face
 * descriptors. The mapping is linear and clamped, pinned so that the shared match threshold of 80
 * means a distance of 0.55: on the dev photos 91% of same-person pairs lie at or under 0.55 and
 * all but one of 3,820 different-person pairs above it. One distance unit is worth 100 points, so
 * similarity is 100 from 0.35 down (a quarter of same-person pairs) and 0 from 1.35 up.
 */

/** The distance at which the similarity equals `MATCH_SIMILARITY`. */
export const MATCH_DISTANCE = 0.55;
export const MATCH_SIMILARITY = 80;
/** Similarity points per unit of distance. */
const POINTS_PER_DISTANCE = 100;

export function distanceToSimilarity(distance: number): number {
  const similarity = MATCH_SIMILARITY + (MATCH_DISTANCE - distance) * POINTS_PER_DISTANCE;
  return Math.min(100, Math.max(0, similarity));
}

/**
 * The distance that maps to `similarity` on the linear part (0.35 for 100, 1.35 for 0): a face
 * is at least that similar when its distance is at most this.
 */
export function similarityToDistance(similarity: number): number {
  const clamped = Math.min(100, Math.max(0, similarity));
  return MATCH_DISTANCE + (MATCH_SIMILARITY - clamped) / POINTS_PER_DISTANCE;
}

export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`Descriptors differ in length: ${a.length} and ${b.length}`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    sum += difference * difference;
  }
  return Math.sqrt(sum);
}
