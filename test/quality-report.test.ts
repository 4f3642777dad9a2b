import { describe, expect, it } from 'vitest';
import { describeErrors, tableHeader, tableRow } from '../bench/quality/report.ts';
import { scoreGrouping } from '../bench/quality/score.ts';

const names = new Map([
  ['ana', 'Ana Lima'],
  ['bo', 'Bo Berg'],
]);

describe('the quality report', () => {
  it('names nothing for a perfect grouping', () => {
    const score = scoreGrouping(
      [
        { photo: 'a1', personId: 'x' },
        { photo: 'a2', personId: 'x' },
      ],
      new Map([
        ['a1', ['ana']],
        ['a2', ['ana']],
      ]),
    );

    expect(describeErrors(score, names)).toEqual([]);
  });

  it('says which photos a person missed or holds wrongly, and which people merged', () => {
    const score = scoreGrouping(
      [
        { photo: 'a1', personId: 'x' },
        { photo: 'a2', personId: 'x' },
        { photo: 'a3' },
        { photo: 'b1', personId: 'x' },
        { photo: 'b2', personId: 'x' },
      ],
      new Map([
        ['a1', ['ana']],
        ['a2', ['ana']],
        ['a3', ['ana']],
        ['b1', ['bo']],
        ['b2', ['bo']],
      ]),
    );

    expect(describeErrors(score, names)).toEqual([
      '  Ana Lima: precision 0.50; recall 0.67 (2/3 photos); missed a3; extra b1, b2',
      '  Bo Berg: precision 0.50; recall 1.00 (2/2 photos); extra a1, a2',
      '  merge: x holds Ana Lima + Bo Berg',
    ]);
  });

  it('aligns each row of figures under the header', () => {
    const score = scoreGrouping([{ photo: 'a1', personId: 'x' }], new Map([['a1', ['ana']]]));
    const header = tableHeader();
    const row = tableRow('ours', score);

    expect(row).toHaveLength(header.length);
    expect(header.indexOf('F1') + 'F1'.length).toBe(row.indexOf(' 0.000') + ' 0.000'.length);
  });
});
