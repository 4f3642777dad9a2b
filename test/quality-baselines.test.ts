import { describe, expect, it } from 'vitest';
import { incrementalDbscanGrouping, tutorialGrouping } from '../bench/quality/baselines.ts';

/** A face at a point of the plane, in photo `photoId`. */
function face(faceId: string, photoId: string, x: number, y = 0) {
  return { faceId, photoId, descriptor: [x, y] };
}

describe("the tutorial's grouping", () => {
  it('joins the nearest indexed face within the distance, else founds a person', () => {
    const grouping = tutorialGrouping(
      [face('a', 'p1', 0), face('b', 'p2', 0.3), face('c', 'p3', 2)],
      { maxDistance: 0.5 },
    );

    expect(grouping.get('b')).toBe(grouping.get('a'));
    expect(grouping.get('c')).not.toBe(grouping.get('a'));
  });

  it('indexes only the founding face, so a chain of small steps drifts into new people', () => {
    const grouping = tutorialGrouping(
      [face('a', 'p1', 0), face('b', 'p2', 0.4), face('c', 'p3', 0.8)],
      { maxDistance: 0.5 },
    );

    expect(grouping.get('b')).toBe(grouping.get('a'));
    expect(grouping.get('c')).not.toBe(grouping.get('a'));
  });

  it('lets two faces of one photo share a person', () => {
    const grouping = tutorialGrouping([face('a', 'p1', 0), face('b', 'p1', 0.1)], {
      maxDistance: 0.5,
    });

    expect(grouping.get('b')).toBe(grouping.get('a'));
  });
});

describe('the incremental DBSCAN grouping', () => {
  const options = { maxDistance: 0.5, minFaces: 3 };

  it('founds a person only once a face has enough neighbours, then assigns the waiting ones', () => {
    const grouping = incrementalDbscanGrouping(
      [face('a', 'p1', 0), face('b', 'p2', 0.1), face('c', 'p3', 0.2)],
      options,
    );

    expect(grouping.get('c')).toBeDefined();
    expect(grouping.get('a')).toBe(grouping.get('c'));
    expect(grouping.get('b')).toBe(grouping.get('c'));
  });

  it('leaves a face with too few neighbours without a person', () => {
    const grouping = incrementalDbscanGrouping(
      [face('a', 'p1', 0), face('b', 'p2', 0.1), face('c', 'p3', 5)],
      options,
    );

    expect([...grouping.values()]).toEqual([undefined, undefined, undefined]);
  });

  it('lets a face join a person through one neighbour in the second pass', () => {
    const grouping = incrementalDbscanGrouping(
      [face('edge', 'p0', 0.65), face('a', 'p1', 0), face('b', 'p2', 0.1), face('c', 'p3', 0.2)],
      options,
    );

    expect(grouping.get('edge')).toBe(grouping.get('a'));
  });
});
