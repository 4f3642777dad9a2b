/**
 * Average-linkage agglomerative clustering of faces on a sparse similarity graph, with
 * cannot-link constraints: two clusters that hold faces of one photo never merge (two faces in
 * one photo are two people), nor do two clusters that hold faces of two different people the
 * owner named. The most similar pair of clusters merges first, as long as the mean similarity
 * over all their face pairs reaches the threshold; the result does not depend on input order.
 */

export interface ClusterFace {
  faceId: string;
  photoId: string;
  /** A person the owner named; faces of two different named people never share a cluster. */
  namedPersonId?: string;
}

export interface FaceSimilarity {
  faceId: string;
  otherFaceId: string;
  /** 0-100. */
  similarity: number;
}

export interface AverageLinkageOptions {
  /** Lowest mean similarity (0-100) at which two clusters merge. */
  threshold: number;
  /** Similarity a pair missing from the graph counts as (the searches' floor). */
  missingSimilarity: number;
}

interface Cluster {
  /** The smallest faceId of the cluster: a stable name that breaks ties. */
  key: string;
  faceIds: string[];
  photoIds: Set<string>;
  namedPersonId?: string;
  /** Sum and count of the known similarities to each neighbouring cluster, by its index. */
  links: Map<number, { sum: number; count: number }>;
  /** Bumped on each merge, so queued pairs that name an older state are skipped. */
  version: number;
  alive: boolean;
}

interface QueuedPair {
  mean: number;
  a: number;
  b: number;
  versionA: number;
  versionB: number;
  tieKey: string;
}

/** Orders pairs best first: higher mean, then the smaller pair of cluster keys. */
function before(x: QueuedPair, y: QueuedPair): boolean {
  return x.mean > y.mean || (x.mean === y.mean && x.tieKey < y.tieKey);
}

/** A binary heap of candidate merges, best on top. */
class PairQueue {
  private readonly items: QueuedPair[] = [];

  push(pair: QueuedPair): void {
    const items = this.items;
    items.push(pair);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(items[index]!, items[parent]!)) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  pop(): QueuedPair | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let best = index;
        if (left < items.length && before(items[left]!, items[best]!)) best = left;
        if (right < items.length && before(items[right]!, items[best]!)) best = right;
        if (best === index) break;
        [items[index], items[best]] = [items[best]!, items[index]!];
        index = best;
      }
    }
    return top;
  }
}

function cannotLink(a: Cluster, b: Cluster): boolean {
  if (a.namedPersonId && b.namedPersonId && a.namedPersonId !== b.namedPersonId) return true;
  const [small, large] = a.photoIds.size <= b.photoIds.size ? [a, b] : [b, a];
  for (const photoId of small.photoIds) if (large.photoIds.has(photoId)) return true;
  return false;
}

/** Clusters of faceIds, each sorted, the clusters ordered by their smallest faceId. */
export function averageLinkage(
  faces: readonly ClusterFace[],
  similarities: readonly FaceSimilarity[],
  options: AverageLinkageOptions,
): string[][] {
  const sorted = [...faces].sort((a, b) =>
    a.faceId < b.faceId ? -1 : a.faceId > b.faceId ? 1 : 0,
  );
  const indexOf = new Map(sorted.map((face, index) => [face.faceId, index]));
  const clusters: Cluster[] = sorted.map((face) => ({
    key: face.faceId,
    faceIds: [face.faceId],
    photoIds: new Set([face.photoId]),
    namedPersonId: face.namedPersonId,
    links: new Map(),
    version: 0,
    alive: true,
  }));

  // A search returns each pair from both ends, possibly with a rounding difference: keep one.
  const pairs = new Map<string, { a: number; b: number; similarity: number }>();
  for (const { faceId, otherFaceId, similarity } of similarities) {
    const x = indexOf.get(faceId);
    const y = indexOf.get(otherFaceId);
    if (x === undefined || y === undefined || x === y) continue;
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = `${a}:${b}`;
    const known = pairs.get(key);
    if (!known || similarity > known.similarity) pairs.set(key, { a, b, similarity });
  }
  for (const { a, b, similarity } of pairs.values()) {
    clusters[a]!.links.set(b, { sum: similarity, count: 1 });
    clusters[b]!.links.set(a, { sum: similarity, count: 1 });
  }

  const queue = new PairQueue();
  const enqueue = (a: number, b: number) => {
    const first = clusters[a]!;
    const second = clusters[b]!;
    const link = first.links.get(b)!;
    const size = first.faceIds.length * second.faceIds.length;
    const mean = (link.sum + options.missingSimilarity * (size - link.count)) / size;
    if (mean < options.threshold || cannotLink(first, second)) return;
    const keys = [first.key, second.key].sort();
    queue.push({
      mean,
      a,
      b,
      versionA: first.version,
      versionB: second.version,
      tieKey: keys.join('\u0000'),
    });
  };
  for (const { a, b } of pairs.values()) enqueue(a, b);

  for (let pair = queue.pop(); pair; pair = queue.pop()) {
    const a = clusters[pair.a]!;
    const b = clusters[pair.b]!;
    if (!a.alive || !b.alive || a.version !== pair.versionA || b.version !== pair.versionB) {
      continue;
    }
    // The merged cluster lives on at `a`; `b` is retired and its links move over.
    a.faceIds.push(...b.faceIds);
    for (const photoId of b.photoIds) a.photoIds.add(photoId);
    a.namedPersonId ??= b.namedPersonId;
    a.key = a.key < b.key ? a.key : b.key;
    a.version += 1;
    b.alive = false;
    a.links.delete(pair.b);
    for (const [other, link] of b.links) {
      if (other === pair.a) continue;
      const merged = a.links.get(other) ?? { sum: 0, count: 0 };
      merged.sum += link.sum;
      merged.count += link.count;
      a.links.set(other, merged);
      const neighbour = clusters[other]!;
      neighbour.links.delete(pair.b);
      neighbour.links.set(pair.a, merged);
    }
    for (const other of a.links.keys()) enqueue(pair.a, other);
  }

  return clusters
    .filter((cluster) => cluster.alive)
    .map((cluster) => [...cluster.faceIds].sort())
    .sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}
