/** The NONE data source: the request's `payload` becomes `ctx.result`. */
import type { DataSource, DataSourceOutcome } from './data-source.ts';

export class NoneDataSource implements DataSource {
  async invoke(request: unknown): Promise<DataSourceOutcome> {
    const payload = (request as { payload?: unknown } | null)?.payload;
    return { result: payload === undefined ? null : JSON.parse(JSON.stringify(payload)) };
  }
}
