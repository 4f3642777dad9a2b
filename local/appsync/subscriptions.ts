/**
 * Who listens to what. A subscription field receives the results of the mutations its
 * `@aws_subscribe` names, when every argument the subscriber gave equals the same field of the
 * result and the filter its resolver set (`extensions.setSubscriptionFilter`) passes.
 */
import { matchesSubscriptionFilter, type SubscriptionFilter } from './util/transform.ts';

export interface Subscriber {
  fieldName: string;
  args: Record<string, unknown>;
  filter?: SubscriptionFilter;
  deliver(payload: Record<string, unknown>): void;
}

export class SubscriptionRegistry {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly sources: ReadonlyMap<string, readonly string[]>) {}

  /** Registers a subscriber; the returned function removes it. */
  add(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Whether some subscription field receives this mutation's results. */
  isSource(mutationField: string): boolean {
    return [...this.sources.values()].some((mutations) => mutations.includes(mutationField));
  }

  /** Hands a mutation's result to its subscribers; returns how many received it. */
  publish(mutationField: string, payload: Record<string, unknown>): number {
    let delivered = 0;
    for (const subscriber of this.subscribers) {
      if (!this.sources.get(subscriber.fieldName)?.includes(mutationField)) continue;
      const argumentsMatch = Object.entries(subscriber.args).every(
        ([name, value]) => value === null || value === undefined || payload[name] === value,
      );
      if (!argumentsMatch) continue;
      if (subscriber.filter && !matchesSubscriptionFilter(subscriber.filter, payload)) continue;
      subscriber.deliver(payload);
      delivered += 1;
    }
    return delivered;
  }
}
