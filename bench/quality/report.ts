/**
 * The benchmark's printed report: one table row per grouping, and what went wrong in a score,
 * one line per error, with the labeled people's names and the photos concerned.
 */
import type { LabeledSet } from './labels.ts';
import type { QualityFigures, QualityScore } from './score.ts';

const NAME_WIDTH = 34;

const fixed = (value: number, digits = 3) => value.toFixed(digits);

export function tableHeader(): string {
  return [
    'grouping'.padEnd(NAME_WIDTH),
    'F1'.padStart(6),
    'precision'.padStart(9),
    'recall'.padStart(7),
    'people'.padStart(7),
    'splits'.padStart(7),
    'merges'.padStart(7),
    'collisions'.padStart(11),
  ].join(' ');
}

export function tableRow(name: string, figures: QualityFigures): string {
  return [
    name.padEnd(NAME_WIDTH),
    fixed(figures.f1).padStart(6),
    fixed(figures.precision).padStart(9),
    fixed(figures.recall).padStart(7),
    String(figures.predictedPeople).padStart(7),
    String(figures.splits).padStart(7),
    String(figures.merges).padStart(7),
    String(figures.collisions).padStart(11),
  ].join(' ');
}

export function describeErrors(score: QualityScore, names: LabeledSet['names']): string[] {
  const nameOf = (personId: string) => names.get(personId) ?? personId;
  const lines: string[] = [];
  for (const person of score.people) {
    if (person.precision === 1 && person.recall === 1) continue;
    const parts = [
      `${nameOf(person.labeledPerson)}: precision ${fixed(person.precision, 2)}`,
      `recall ${fixed(person.recall, 2)} (${person.shared}/${person.photos} photos)`,
    ];
    if (person.missed.length > 0) parts.push(`missed ${person.missed.join(', ')}`);
    if (person.extra.length > 0) parts.push(`extra ${person.extra.join(', ')}`);
    lines.push(`  ${parts.join('; ')}`);
  }
  for (const split of score.splitPeople) {
    lines.push(`  split: ${nameOf(split.labeledPerson)} over ${split.personIds.length} people`);
  }
  for (const merge of score.mergedPeople) {
    const pairs = merge.labeledPairs.map((pair) => pair.map(nameOf).join(' + ')).join(', ');
    lines.push(`  merge: ${merge.personId} holds ${pairs}`);
  }
  for (const collision of score.collidedPhotos) {
    lines.push(`  collision: ${collision.faces} faces of ${collision.photo} in one person`);
  }
  return lines;
}
