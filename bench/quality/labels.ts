/**
 * A labeled photo set in the `labels.json` format of `../shared/faces/dev`: for each photo file,
 * the people it shows. Labels are per photo, not per face: a photo of a group lists everyone in
 * it without saying which face is whom, and faces of strangers are only counted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LabelsFile {
  people?: Record<string, { slug?: string }>;
  photos: Record<string, { people?: { id: string }[]; face_count?: number }>;
}

export interface LabeledSet {
  /** Folder of the photo files. */
  photoDir: string;
  /** Photo file name -> ids of the labeled people it shows. */
  photos: Map<string, string[]>;
  /** Labeled person id -> a readable name (the set's slug, or the id). */
  names: Map<string, string>;
  /** Photo file name -> faces visible in it, labeled or not, as the set counts them. */
  faceCounts: Map<string, number>;
}

export function readLabeledSet(datasetDir: string): LabeledSet {
  const file = JSON.parse(readFileSync(join(datasetDir, 'labels.json'), 'utf8')) as LabelsFile;
  const photos = new Map<string, string[]>();
  const faceCounts = new Map<string, number>();
  const names = new Map<string, string>();
  for (const [photo, entry] of Object.entries(file.photos)) {
    const people = (entry.people ?? []).map((person) => person.id);
    photos.set(photo, people);
    faceCounts.set(photo, entry.face_count ?? people.length);
    for (const personId of people) names.set(personId, personId);
  }
  for (const [personId, person] of Object.entries(file.people ?? {})) {
    names.set(personId, person.slug ?? personId);
  }
  return { photoDir: join(datasetDir, 'photos'), photos, names, faceCounts };
}
