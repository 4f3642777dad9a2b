/**
 * Which person each new cluster of faces continues. A person whose faces mostly (more than half)
 * stay together keeps its personId on the cluster that holds them; a person the owner named keeps
 * its id, and so its name, on the cluster holding the largest part of its faces, however split.
 * A cluster that continues nobody becomes a new person.
 */

export interface FormerPerson {
  personId: string;
  named: boolean;
}

/**
 * For each cluster (an array of faceIds, in the order given), the personId it continues, or
 * undefined for a new person. `formerPersonOf` gives each face's person before re-clustering.
 */
export function carryPersonIds(
  clusters: readonly (readonly string[])[],
  formerPersonOf: ReadonlyMap<string, string>,
  formerPeople: readonly FormerPerson[],
): (string | undefined)[] {
  const faceCounts = new Map<string, number>();
  for (const personId of formerPersonOf.values()) {
    faceCounts.set(personId, (faceCounts.get(personId) ?? 0) + 1);
  }
  const overlaps: { cluster: number; personId: string; faces: number }[] = [];
  clusters.forEach((faceIds, cluster) => {
    const counts = new Map<string, number>();
    for (const faceId of faceIds) {
      const personId = formerPersonOf.get(faceId);
      if (personId !== undefined) counts.set(personId, (counts.get(personId) ?? 0) + 1);
    }
    for (const [personId, faces] of counts) overlaps.push({ cluster, personId, faces });
  });
  // Largest overlaps first; ties go to the earlier cluster, then the smaller personId.
  overlaps.sort(
    (x, y) =>
      y.faces - x.faces ||
      x.cluster - y.cluster ||
      (x.personId < y.personId ? -1 : x.personId > y.personId ? 1 : 0),
  );

  const carried: (string | undefined)[] = clusters.map(() => undefined);
  const placed = new Set<string>();
  const named = new Set(formerPeople.filter((person) => person.named).map((p) => p.personId));
  const take = (eligible: (overlap: (typeof overlaps)[number]) => boolean) => {
    for (const overlap of overlaps) {
      if (placed.has(overlap.personId) || carried[overlap.cluster] !== undefined) continue;
      if (!eligible(overlap)) continue;
      carried[overlap.cluster] = overlap.personId;
      placed.add(overlap.personId);
    }
  };
  take((overlap) => named.has(overlap.personId));
  take((overlap) => overlap.faces * 2 > (faceCounts.get(overlap.personId) ?? 0));
  return carried;
}
