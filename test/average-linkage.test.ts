import { describe, expect, it } from 'vitest';
import { averageLinkage, type FaceSimilarity } from '../ingestion/average-linkage.ts';

const options = { threshold: 80, missingSimilarity: 0 };

function pair(faceId: string, otherFaceId: string, similarity: number): FaceSimilarity {
  return { faceId, otherFaceId, similarity };
}

/** One face per photo, the photo named after the face. */
function alone(...faceIds: string[]) {
  return faceIds.map((faceId) => ({ faceId, photoId: `photo-${faceId}` }));
}

describe('average-linkage clustering of faces', () => {
  it('merges faces whose mean similarity reaches the threshold', () => {
    const clusters = averageLinkage(
      alone('a', 'b', 'c'),
      [pair('a', 'b', 90), pair('b', 'c', 85), pair('a', 'c', 82)],
      options,
    );

    expect(clusters).toEqual([['a', 'b', 'c']]);
  });

  it('does not chain: a face close to one member but far from the other stays out', () => {
    const clusters = averageLinkage(
      alone('a', 'b', 'c'),
      [pair('a', 'b', 95), pair('b', 'c', 90), pair('a', 'c', 40)],
      options,
    );

    expect(clusters).toEqual([['a', 'b'], ['c']]);
  });

  it('counts a pair the searches did not return as the missing similarity', () => {
    const faces = alone('a', 'b', 'c');
    const similarities = [pair('a', 'b', 95), pair('b', 'c', 90)];

    expect(averageLinkage(faces, similarities, options)).toEqual([['a', 'b'], ['c']]);
    expect(averageLinkage(faces, similarities, { ...options, missingSimilarity: 70 })).toEqual([
      ['a', 'b', 'c'],
    ]);
  });

  it('never merges clusters that hold faces of one photo', () => {
    const clusters = averageLinkage(
      [
        { faceId: 'a', photoId: 'group' },
        { faceId: 'b', photoId: 'group' },
        { faceId: 'c', photoId: 'portrait' },
      ],
      [pair('a', 'b', 99), pair('a', 'c', 90), pair('b', 'c', 95)],
      options,
    );

    expect(clusters).toEqual([['a'], ['b', 'c']]);
  });

  it('never merges faces of two people the owner named differently', () => {
    const clusters = averageLinkage(
      [
        { faceId: 'a', photoId: 'p1', namedPersonId: 'ana' },
        { faceId: 'b', photoId: 'p2' },
        { faceId: 'c', photoId: 'p3', namedPersonId: 'bea' },
      ],
      [pair('a', 'b', 95), pair('b', 'c', 95), pair('a', 'c', 95)],
      options,
    );

    expect(clusters).toHaveLength(2);
    expect(clusters.flat().sort()).toEqual(['a', 'b', 'c']);
  });

  it('gives the same clusters whatever the order of faces and pairs', () => {
    const faces = alone('a', 'b', 'c', 'd', 'e');
    const similarities = [
      pair('a', 'b', 92),
      pair('b', 'c', 81),
      pair('a', 'c', 80),
      pair('c', 'd', 88),
      pair('d', 'e', 97),
      pair('c', 'e', 70),
    ];

    const forward = averageLinkage(faces, similarities, options);
    const backward = averageLinkage([...faces].reverse(), [...similarities].reverse(), options);

    expect(backward).toEqual(forward);
  });
});
