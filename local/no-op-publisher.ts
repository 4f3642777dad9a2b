/** A publisher for a stack without a GraphQL API: nobody is subscribed, so nothing is sent. */
import type { Publisher } from '../ingestion/ports.ts';
import type { PersonRecord } from '../model/domain.ts';

export class NoOpPublisher implements Publisher {
  async personCreated(_person: PersonRecord): Promise<void> {}
}
