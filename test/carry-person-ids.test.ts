import { describe, expect, it } from 'vitest';
import { carryPersonIds } from '../ingestion/carry-person-ids.ts';

/** faceId -> former personId, from `faceId:personId` strings. */
function formerly(...entries: string[]): Map<string, string> {
  return new Map(entries.map((entry) => entry.split(':') as [string, string]));
}

const unnamed = (...personIds: string[]) =>
  personIds.map((personId) => ({ personId, named: false }));

describe('carrying person ids over to new clusters', () => {
  it('keeps the id of a person whose faces mostly stay together', () => {
    const carried = carryPersonIds(
      [['f1', 'f2', 'f3'], ['f4']],
      formerly('f1:ana', 'f2:ana', 'f3:ana', 'f4:ana'),
      unnamed('ana'),
    );

    expect(carried).toEqual(['ana', undefined]);
  });

  it('gives a new id to every part of a person split in halves', () => {
    const carried = carryPersonIds(
      [
        ['f1', 'f2'],
        ['f3', 'f4'],
      ],
      formerly('f1:ana', 'f2:ana', 'f3:ana', 'f4:ana'),
      unnamed('ana'),
    );

    expect(carried).toEqual([undefined, undefined]);
  });

  it('keeps a named person on its largest part, however split', () => {
    const carried = carryPersonIds(
      [['f1', 'f2'], ['f3'], ['f4', 'f5']],
      formerly('f1:ana', 'f2:ana', 'f3:ana', 'f4:ana', 'f5:bo'),
      [{ personId: 'ana', named: true }, ...unnamed('bo')],
    );

    expect(carried[0]).toBe('ana');
    expect(carried[2]).toBe('bo');
  });

  it('lets a named person win a merged cluster over a larger unnamed one', () => {
    const carried = carryPersonIds([['f1', 'f2', 'f3']], formerly('f1:big', 'f2:big', 'f3:named'), [
      ...unnamed('big'),
      { personId: 'named', named: true },
    ]);

    expect(carried).toEqual(['named']);
  });

  it('gives a merged cluster the id of the person it holds most of', () => {
    const carried = carryPersonIds(
      [['f1', 'f2', 'f3']],
      formerly('f1:big', 'f2:big', 'f3:small'),
      unnamed('big', 'small'),
    );

    expect(carried).toEqual(['big']);
  });
});
