/**
 * A contact sheet of a grouping: one row of face thumbnails per predicted person, largest first,
 * each face captioned with its photo and the people the labels say the photo shows. A row is
 * titled with the labeled person it stands for in the score (or, failing that, the person most of
 * its photos show); a face whose photo does not show that person is framed in red, so errors
 * stand out. Faces that belong to nobody come last, with their reason.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AppearanceRecord } from '../../model/domain.ts';
import type { LabeledSet } from './labels.ts';
import { majorityOf, type QualityScore } from './score.ts';

export interface ContactSheetInput {
  title: string;
  appearances: readonly AppearanceRecord[];
  /** photoId -> photo file name. */
  files: ReadonlyMap<string, string>;
  labels: LabeledSet;
  /** The grouping's score, for which labeled person each predicted person stands for. */
  score: QualityScore;
  processedBucket: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function thumbnailUri(s3: S3Client, bucket: string, key: string): Promise<string> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await response.Body!.transformToByteArray());
    return `data:image/jpeg;base64,${bytes.toString('base64')}`;
  } catch {
    return '';
  }
}

export async function writeContactSheet(path: string, input: ContactSheetInput): Promise<void> {
  const { labels } = input;
  const nameOf = (personId: string) => labels.names.get(personId) ?? personId;
  const fileOf = (appearance: AppearanceRecord) =>
    input.files.get(appearance.photoId) ?? appearance.photoId;

  const byPerson = new Map<string, AppearanceRecord[]>();
  const unassigned: AppearanceRecord[] = [];
  for (const appearance of input.appearances) {
    if (!appearance.personId) {
      unassigned.push(appearance);
      continue;
    }
    const faces = byPerson.get(appearance.personId) ?? [];
    faces.push(appearance);
    byPerson.set(appearance.personId, faces);
  }
  const standsFor = new Map<string, string[]>();
  for (const person of input.score.people) {
    if (person.personId === undefined) continue;
    standsFor.set(person.personId, [
      ...(standsFor.get(person.personId) ?? []),
      person.labeledPerson,
    ]);
  }
  const rows = [...byPerson].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));

  const labeledPhotoCounts = new Map<string, number>();
  for (const people of labels.photos.values()) {
    for (const person of people) {
      labeledPhotoCounts.set(person, (labeledPhotoCounts.get(person) ?? 0) + 1);
    }
  }
  const rowTitle = (stood: string[], majority: string | undefined) => {
    if (stood.length > 0) return stood.map(nameOf).join(' and ');
    if (!majority) return 'nobody labeled';
    if ((labeledPhotoCounts.get(majority) ?? 0) < 2)
      return `${nameOf(majority)} (one photo, not scored)`;
    return `mostly photos of ${nameOf(majority)}, but another person stands for them`;
  };

  const s3 = new S3Client({ forcePathStyle: true });
  const cell = async (appearance: AppearanceRecord, majority?: string) => {
    const file = fileOf(appearance);
    const shown = labels.photos.get(file) ?? [];
    const wrong = majority !== undefined && !shown.includes(majority);
    const uri = await thumbnailUri(s3, input.processedBucket, appearance.thumbnailKey);
    const caption = [
      file,
      shown.map(nameOf).join(', ') || '(no labeled person)',
      appearance.unassignedReason ?? '',
      appearance.similarity === undefined ? '' : `similarity ${appearance.similarity.toFixed(0)}`,
    ].filter(Boolean);
    return `<figure class="${wrong ? 'wrong' : ''}"><img src="${uri}" alt=""><figcaption>${caption
      .map(escapeHtml)
      .join('<br>')}</figcaption></figure>`;
  };

  const sections: string[] = [];
  try {
    for (const [personId, faces] of rows) {
      const stood = standsFor.get(personId) ?? [];
      const majority = stood[0] ?? majorityOf(new Set(faces.map(fileOf)), labels.photos);
      const cells = await Promise.all(faces.map((face) => cell(face, majority)));
      const count = `${faces.length} face${faces.length === 1 ? '' : 's'}`;
      const heading = `${rowTitle(stood, majority)} — ${count}`;
      sections.push(
        `<section><h2>${escapeHtml(heading)} <small>${escapeHtml(personId)}</small></h2>` +
          `<div class="row">${cells.join('')}</div></section>`,
      );
    }
    if (unassigned.length > 0) {
      const cells = await Promise.all(unassigned.map((face) => cell(face)));
      sections.push(
        `<section><h2>Unassigned — ${unassigned.length} faces</h2>` +
          `<div class="row">${cells.join('')}</div></section>`,
      );
    }
  } finally {
    s3.destroy();
  }

  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; }
h2 { font-size: 14px; margin: 16px 0 4px; } h2 small { color: #888; font-weight: normal; }
.row { display: flex; flex-wrap: wrap; gap: 6px; }
figure { margin: 0; width: 112px; border: 3px solid #ddd; padding: 2px; }
figure.wrong { border-color: #d22; }
img { width: 106px; height: 106px; display: block; background: #eee; }
figcaption { font-size: 10px; overflow-wrap: anywhere; }
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>One row per predicted person. A red frame: the labels do not put the row's person in that
photo (an error, or a face the labels do not name).</p>
${sections.join('\n')}
</body></html>
`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
}
