/** Structured JSON logs for the local stack's own parts (runner, stack), one service name. */
import { Logger } from '@aws-lambda-powertools/logger';

export function localLogger(component: string): Logger {
  return new Logger({ serviceName: 'face-groups-local', persistentKeys: { component } });
}
