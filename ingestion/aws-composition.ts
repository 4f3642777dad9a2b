/**
 * The pipeline's parts on AWS, built from the environment alone: the S3 and DynamoDB adapters,
 * the Rekognition face engine, the AppSync publisher, and a logger and a tracer named after the
 * function. The ingestion and the re-clustering Lambdas are both composed from it, once per
 * container, outside their handlers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { createAppSyncPublisher } from './adapters/appsync-publisher.ts';
import { RekognitionFaceEngine } from './adapters/rekognition-face-engine.ts';
import { createAwsAdapters, type AwsAdapters } from './aws-adapters.ts';
import type { FaceEngine, Publisher } from './ports.ts';
import { readSettings, type IngestionSettings } from './settings.ts';

export interface AwsComposition extends AwsAdapters {
  faceEngine: FaceEngine;
  publisher: Publisher;
  settings: IngestionSettings;
  logger: Logger;
  tracer: Tracer;
}

/** `serviceName` names the function in its logs and traces. */
export function composeOnAws(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): AwsComposition {
  const logger = new Logger({ serviceName });
  const tracer = new Tracer({ serviceName });
  const settings = readSettings(env);
  // The engine retries throttling itself, with jitter; SDK retries on top would multiply calls.
  const rekognition = tracer.captureAWSv3Client(new RekognitionClient({ maxAttempts: 1 }));
  return {
    ...createAwsAdapters(settings),
    faceEngine: new RekognitionFaceEngine(rekognition, {
      collectionPrefix: env.COLLECTION_PREFIX,
      logger,
    }),
    publisher: createAppSyncPublisher(env),
    settings,
    logger,
    tracer,
  };
}
