import { describe, expect, it } from 'vitest';
import { scoreGrouping, type GroupedFace } from '../bench/quality/score.ts';

/** Photo -> labeled people, from `photo:ana,bo` strings. */
function labels(...photos: string[]): Map<string, string[]> {
  return new Map(
    photos.map((entry) => {
      const [photo, people] = entry.split(':');
      return [photo!, people ? people.split(',') : []];
    }),
  );
}

/** Faces from `photo:personId` strings; `photo:` is a face left unassigned. */
function faces(...entries: string[]): GroupedFace[] {
  return entries.map((entry) => {
    const [photo, personId] = entry.split(':');
    return { photo: photo!, personId: personId || undefined };
  });
}

describe('scoring a grouping against photo labels', () => {
  it('gives a perfect grouping precision, recall and F1 of 1 and no errors', () => {
    const score = scoreGrouping(
      faces('a1:x', 'a2:x', 'b1:y', 'b2:y', 'ab:x', 'ab:y'),
      labels('a1:ana', 'a2:ana', 'b1:bo', 'b2:bo', 'ab:ana,bo'),
    );

    expect(score).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(score).toMatchObject({ splits: 0, merges: 0, collisions: 0 });
    expect(score).toMatchObject({ predictedPeople: 2, labeledPeople: 2, scoredPeople: 2 });
  });

  it('scores only labeled people with at least two photos', () => {
    const score = scoreGrouping(faces('a1:x', 'a2:x', 'c1:z'), labels('a1:ana', 'a2:ana', 'c1:cy'));

    expect(score.people.map((person) => person.labeledPerson)).toEqual(['ana']);
    expect(score).toMatchObject({ labeledPeople: 2, scoredPeople: 1, predictedPeople: 2 });
  });

  it('counts a person spread over two predicted people as a split and loses recall', () => {
    const score = scoreGrouping(
      faces('a1:x', 'a2:x', 'a3:x', 'a4:w', 'a5:w'),
      labels('a1:ana', 'a2:ana', 'a3:ana', 'a4:ana', 'a5:ana'),
    );

    expect(score.splits).toBe(1);
    expect(score.splitPeople).toEqual([{ labeledPerson: 'ana', personIds: ['x', 'w'] }]);
    expect(score.precision).toBe(1);
    expect(score.recall).toBeCloseTo(3 / 5);
    expect(score.merges).toBe(0);
  });

  it('does not count a stranger grouped alone from a photo of a person as a split', () => {
    const score = scoreGrouping(
      faces('a1:x', 'a2:x', 'crowd:x', 'crowd:stranger'),
      labels('a1:ana', 'a2:ana', 'crowd:ana'),
    );

    expect(score.splits).toBe(0);
    expect(score.f1).toBe(1);
  });

  it('counts two people seen apart in one predicted person as a merge', () => {
    const score = scoreGrouping(
      faces('a1:x', 'a2:x', 'b1:x', 'b2:x'),
      labels('a1:ana', 'a2:ana', 'b1:bo', 'b2:bo'),
    );

    expect(score.merges).toBe(1);
    expect(score.mergedPeople).toEqual([{ personId: 'x', labeledPairs: [['ana', 'bo']] }]);
    expect(score.recall).toBe(1);
    expect(score.precision).toBeCloseTo(0.5);
  });

  it('does not count people photographed together as a merge', () => {
    const score = scoreGrouping(
      faces('a1:x', 'a2:x', 'ab1:x', 'ab2:x', 'b1:x'),
      labels('a1:ana', 'a2:ana', 'ab1:ana,bo', 'ab2:ana,bo', 'b1:bo'),
    );

    expect(score.merges).toBe(0);
  });

  it('counts two faces of one photo given the same person as a collision', () => {
    const score = scoreGrouping(
      faces('ab:x', 'ab:x', 'a1:x', 'b1:y'),
      labels('ab:ana,bo', 'a1:ana', 'b1:bo'),
    );

    expect(score.collisions).toBe(1);
    expect(score.collidedPhotos).toEqual([{ photo: 'ab', personId: 'x', faces: 2 }]);
  });

  it('lets the smaller predicted person stand for a labeled one when two share as many photos', () => {
    const score = scoreGrouping(
      faces('a1:big', 'a2:small', 'o1:big', 'o2:big'),
      labels('a1:ana', 'a2:ana', 'o1:', 'o2:'),
    );

    expect(score.people[0]).toMatchObject({ personId: 'small', personPhotos: 1, shared: 1 });
    expect(score.people[0]!.precision).toBe(1);
    expect(score.people[0]!.recall).toBe(0.5);
  });

  it('gives zero precision and recall to a labeled person no predicted person shares', () => {
    const score = scoreGrouping(faces('a1:', 'a2:'), labels('a1:ana', 'a2:ana'));

    expect(score.people[0]).toMatchObject({ personId: undefined, precision: 0, recall: 0 });
    expect(score.f1).toBe(0);
    expect(score.predictedPeople).toBe(0);
  });
});
