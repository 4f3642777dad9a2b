import { describe, expect, it } from 'vitest';
import type { QualityFigures } from '../bench/quality/score.ts';
import { checkTargets, spread, type OrderFigures } from '../bench/quality/targets.ts';

function figures(f1: number, errors: Partial<QualityFigures> = {}): QualityFigures {
  return {
    precision: f1,
    recall: f1,
    f1,
    predictedPeople: 10,
    labeledPeople: 10,
    scoredPeople: 8,
    splits: 0,
    merges: 0,
    collisions: 0,
    ...errors,
  };
}

function order(ours: number, tutorial = 0.9, dbscan = 0.7, errors = {}): OrderFigures {
  return { ours: figures(ours, errors), tutorial: figures(tutorial), dbscan: figures(dbscan) };
}

const unmet = (orders: OrderFigures[]) =>
  checkTargets(orders)
    .filter((check) => !check.met)
    .map((check) => check.target);

describe('the grouping targets', () => {
  it('are all met by high, steady F1s with no merge or collision that beat both baselines', () => {
    expect(unmet([order(0.975), order(0.98), order(0.972)])).toEqual([]);
  });

  it('are not met when one order falls under the lowest F1', () => {
    expect(unmet([order(0.975), order(0.969)])).toEqual(['F1 >= 0.97 in every order']);
  });

  it('accept an F1 spread of exactly the limit, rounding aside', () => {
    expect(unmet([order(0.985), order(0.975)])).toEqual([]);
    expect(unmet([order(0.99), order(0.975)])).toEqual(['F1 spread over the orders <= 0.01']);
  });

  it('are not met by a single merge or same-photo collision in any order', () => {
    expect(unmet([order(0.98), order(0.98, 0.9, 0.7, { merges: 1 })])).toEqual(['no merge']);
    expect(unmet([order(0.98, 0.9, 0.7, { collisions: 2 })])).toEqual(['no same-photo collision']);
  });

  it('are not met when a baseline does as well as ours in one order', () => {
    const checks = checkTargets([order(0.98), order(0.98, 0.98)]);

    expect(checks.find((check) => !check.met)).toEqual({
      target: 'both baselines beaten in every order',
      met: false,
      measured: '1 of 2 orders',
    });
  });

  it('are not met without any order measured', () => {
    expect(unmet([])).toEqual([
      'F1 >= 0.97 in every order',
      'both baselines beaten in every order',
    ]);
  });
});

describe('the spread of F1s', () => {
  it('is the largest minus the smallest, and zero for none', () => {
    expect(spread([0.95, 0.97, 0.96])).toBeCloseTo(0.02);
    expect(spread([])).toBe(0);
  });
});
