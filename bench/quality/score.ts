/**
 * How well a grouping of faces into predicted people matches photo-level labels.
 *
 * For each labeled person P with at least two photos, the predicted person C sharing the most
 * photos with P stands for P (ties: the one with fewer photos, then the smaller personId):
 * precision = |C ∩ P| / |C|, recall = |C ∩ P| / |P|, both counted in photos. The macro averages
 * and their F1 summarize the grouping. Three counts show the errors a photo-level score hides or
 * blurs: splits, merges, and same-photo collisions (two faces of one photo in one person).
 */

/** One face as a grouping left it: the photo (file name) it is in, and its person if any. */
export interface GroupedFace {
  photo: string;
  personId?: string;
}

/** Photo file name -> the labeled people it shows. */
export type PhotoLabels = ReadonlyMap<string, readonly string[]>;

export interface PersonScore {
  labeledPerson: string;
  photos: number;
  /** The predicted person standing for the labeled one; absent when none shares a photo. */
  personId?: string;
  personPhotos: number;
  shared: number;
  precision: number;
  recall: number;
  /** Photos of the labeled person that the predicted person lacks. */
  missed: string[];
  /** Photos of the predicted person that do not show the labeled one. */
  extra: string[];
}

export interface Split {
  labeledPerson: string;
  /** Predicted people whose majority is the labeled person, the one standing for it first. */
  personIds: string[];
}

export interface Merge {
  personId: string;
  /** Pairs of labeled people that each have two or more photos of their own in the person. */
  labeledPairs: [string, string][];
}

export interface Collision {
  photo: string;
  personId: string;
  faces: number;
}

export interface QualityFigures {
  precision: number;
  recall: number;
  f1: number;
  predictedPeople: number;
  labeledPeople: number;
  /** Labeled people with at least two photos: the ones scored. */
  scoredPeople: number;
  splits: number;
  merges: number;
  collisions: number;
}

export interface QualityScore extends QualityFigures {
  people: PersonScore[];
  splitPeople: Split[];
  mergedPeople: Merge[];
  collidedPhotos: Collision[];
}

function photosByPerson(faces: readonly GroupedFace[], labels: PhotoLabels) {
  const photos = new Map<string, Set<string>>();
  for (const face of faces) {
    if (face.personId === undefined || !labels.has(face.photo)) continue;
    let set = photos.get(face.personId);
    if (!set) photos.set(face.personId, (set = new Set()));
    set.add(face.photo);
  }
  return photos;
}

function photosByLabel(labels: PhotoLabels) {
  const photos = new Map<string, Set<string>>();
  for (const [photo, people] of labels) {
    for (const person of people) {
      let set = photos.get(person);
      if (!set) photos.set(person, (set = new Set()));
      set.add(photo);
    }
  }
  return photos;
}

function sharedCount(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let count = 0;
  for (const item of a) if (b.has(item)) count += 1;
  return count;
}

/**
 * The labeled person shown in more of the predicted person's photos than any other labeled
 * person, and in more than half of them; undefined when no one is (a lone face of a group photo
 * has no majority: the labels do not say whose face it is).
 */
export function majorityOf(photos: ReadonlySet<string>, labels: PhotoLabels): string | undefined {
  const counts = new Map<string, number>();
  for (const photo of photos) {
    for (const person of labels.get(photo) ?? []) counts.set(person, (counts.get(person) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] * 2 <= photos.size || (second && second[1] === first[1])) return undefined;
  return first[0];
}

function bestMatch(
  labeled: ReadonlySet<string>,
  predicted: ReadonlyMap<string, Set<string>>,
): { personId: string; photos: Set<string>; shared: number } | undefined {
  let best: { personId: string; photos: Set<string>; shared: number } | undefined;
  for (const [personId, photos] of predicted) {
    const shared = sharedCount(labeled, photos);
    if (shared === 0) continue;
    const better =
      !best ||
      shared > best.shared ||
      (shared === best.shared &&
        (photos.size < best.photos.size ||
          (photos.size === best.photos.size && personId < best.personId)));
    if (better) best = { personId, photos, shared };
  }
  return best;
}

/**
 * Labeled pairs that each have at least two photos in the person that do not show the other:
 * people photographed together are not merged, only people seen apart in one person are.
 */
function mergedPairs(photos: ReadonlySet<string>, labels: PhotoLabels): [string, string][] {
  const people = [...new Set([...photos].flatMap((photo) => labels.get(photo) ?? []))].sort();
  const pairs: [string, string][] = [];
  for (const [index, a] of people.entries()) {
    for (const b of people.slice(index + 1)) {
      let onlyA = 0;
      let onlyB = 0;
      for (const photo of photos) {
        const shown = labels.get(photo) ?? [];
        if (shown.includes(a) && !shown.includes(b)) onlyA += 1;
        if (shown.includes(b) && !shown.includes(a)) onlyB += 1;
      }
      if (onlyA >= 2 && onlyB >= 2) pairs.push([a, b]);
    }
  }
  return pairs;
}

function collisionsOf(faces: readonly GroupedFace[]): Collision[] {
  const counts = new Map<string, Collision>();
  for (const face of faces) {
    if (face.personId === undefined) continue;
    const key = `${face.photo}\u0000${face.personId}`;
    const collision = counts.get(key) ?? { photo: face.photo, personId: face.personId, faces: 0 };
    collision.faces += 1;
    counts.set(key, collision);
  }
  return [...counts.values()].filter((collision) => collision.faces > 1);
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function scoreGrouping(faces: readonly GroupedFace[], labels: PhotoLabels): QualityScore {
  const predicted = photosByPerson(faces, labels);
  const labeled = photosByLabel(labels);

  const people: PersonScore[] = [];
  for (const [labeledPerson, photos] of [...labeled].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (photos.size < 2) continue;
    const match = bestMatch(photos, predicted);
    people.push({
      labeledPerson,
      photos: photos.size,
      personId: match?.personId,
      personPhotos: match?.photos.size ?? 0,
      shared: match?.shared ?? 0,
      precision: match ? match.shared / match.photos.size : 0,
      recall: match ? match.shared / photos.size : 0,
      missed: [...photos].filter((photo) => !match?.photos.has(photo)).sort(),
      extra: [...(match?.photos ?? [])].filter((photo) => !photos.has(photo)).sort(),
    });
  }

  // A piece counts as a split only if it holds a photo of P that the person standing for P
  // lacks: a stranger grouped alone from a photo of P has P as its majority but splits nothing.
  const splitPeople: Split[] = [];
  for (const score of people) {
    const standing = score.personId ? predicted.get(score.personId) : undefined;
    const labeledPhotos = labeled.get(score.labeledPerson)!;
    const pieces = [...predicted]
      .filter(([personId, photos]) => {
        if (personId === score.personId) return false;
        if (majorityOf(photos, labels) !== score.labeledPerson) return false;
        return [...photos].some((photo) => labeledPhotos.has(photo) && !standing?.has(photo));
      })
      .map(([personId]) => personId)
      .sort();
    if (pieces.length > 0) {
      const personIds = score.personId ? [score.personId, ...pieces] : pieces;
      if (personIds.length > 1) splitPeople.push({ labeledPerson: score.labeledPerson, personIds });
    }
  }

  const mergedPeople: Merge[] = [];
  for (const [personId, photos] of [...predicted].sort((a, b) => a[0].localeCompare(b[0]))) {
    const labeledPairs = mergedPairs(photos, labels);
    if (labeledPairs.length > 0) mergedPeople.push({ personId, labeledPairs });
  }

  const collidedPhotos = collisionsOf(faces);
  const precision = mean(people.map((score) => score.precision));
  const recall = mean(people.map((score) => score.recall));
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    predictedPeople: predicted.size,
    labeledPeople: labeled.size,
    scoredPeople: people.length,
    splits: splitPeople.length,
    merges: mergedPeople.length,
    collisions: collidedPhotos.length,
    people,
    splitPeople,
    mergedPeople,
    collidedPhotos,
  };
}

/** The headline figures of a score, without the per-person details. */
export function figuresOf(score: QualityScore): QualityFigures {
  return {
    precision: score.precision,
    recall: score.recall,
    f1: score.f1,
    predictedPeople: score.predictedPeople,
    labeledPeople: score.labeledPeople,
    scoredPeople: score.scoredPeople,
    splits: score.splits,
    merges: score.merges,
    collisions: score.collisions,
  };
}
