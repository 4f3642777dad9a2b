/**
 * The grouping targets the product is held to, checked over every upload order measured: a high
 * F1 in each order, no merge and no same-photo collision anywhere (both put a stranger in
 * someone's people, which a user notices more than a missing photo), little spread between
 * orders (the upload order should not shape the people), and both baselines beaten each time.
 */
import type { QualityFigures } from './score.ts';

/** One upload order's figures for the product's grouping and the two baselines. */
export interface OrderFigures {
  ours: QualityFigures;
  tutorial: QualityFigures;
  dbscan: QualityFigures;
}

export interface QualityTargets {
  /** Lowest F1 accepted in any order. */
  minF1: number;
  /** Largest difference between the best and the worst order's F1. */
  maxF1Spread: number;
}

export const QUALITY_TARGETS: QualityTargets = { minF1: 0.97, maxF1Spread: 0.01 };

/** F1s are sums of ratios: a difference this small is rounding, not quality. */
const ROUNDING = 1e-9;

export interface TargetCheck {
  target: string;
  met: boolean;
  /** The figure the check looked at, as printed. */
  measured: string;
}

/** The largest minus the smallest value; 0 for none. */
export function spread(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

export function checkTargets(
  orders: readonly OrderFigures[],
  targets: QualityTargets = QUALITY_TARGETS,
): TargetCheck[] {
  const f1s = orders.map((order) => order.ours.f1);
  const lowestF1 = f1s.length === 0 ? 0 : Math.min(...f1s);
  const merges = orders.reduce((sum, order) => sum + order.ours.merges, 0);
  const collisions = orders.reduce((sum, order) => sum + order.ours.collisions, 0);
  const f1Spread = spread(f1s);
  const beaten = orders.filter(
    (order) => order.ours.f1 > order.tutorial.f1 && order.ours.f1 > order.dbscan.f1,
  ).length;
  return [
    {
      target: `F1 >= ${targets.minF1} in every order`,
      met: orders.length > 0 && lowestF1 >= targets.minF1 - ROUNDING,
      measured: `lowest ${lowestF1.toFixed(3)}`,
    },
    { target: 'no merge', met: merges === 0, measured: `${merges} in all orders` },
    {
      target: 'no same-photo collision',
      met: collisions === 0,
      measured: `${collisions} in all orders`,
    },
    {
      target: `F1 spread over the orders <= ${targets.maxF1Spread}`,
      met: f1Spread <= targets.maxF1Spread + ROUNDING,
      measured: f1Spread.toFixed(3),
    },
    {
      target: 'both baselines beaten in every order',
      met: orders.length > 0 && beaten === orders.length,
      measured: `${beaten} of ${orders.length} orders`,
    },
  ];
}
