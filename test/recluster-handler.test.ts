/**
 * The scheduled re-clustering Lambda as AWS runs it, on dynalite and s3rver: its face searches go
 * to a mocked Rekognition, which answers from the scripted engine that ingested the photos.
 */
import { RekognitionClient, SearchFacesCommand } from '@aws-sdk/client-rekognition';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsAdapters, type AwsAdapters } from '../ingestion/aws-adapters.ts';
import type { ReclusteringRun } from '../ingestion/recluster-handler.ts';
import { ScriptedFaceEngine } from './support/scripted-face-engine.ts';
import {
  plainJpeg,
  startPipelineHarness,
  upload,
  type PipelineHarness,
} from './support/pipeline-harness.ts';

const COLLECTION_PREFIX = 'fg-test-';
const rekognition = mockClient(RekognitionClient);
let engine: ScriptedFaceEngine;
let harness: PipelineHarness;
let adapters: AwsAdapters;
let handler: (event: ScheduledEvent, context: Context) => Promise<ReclusteringRun>;

beforeAll(async () => {
  engine = new ScriptedFaceEngine();
  harness = await startPipelineHarness(engine);
  adapters = createAwsAdapters(harness.settings);
  Object.assign(process.env, {
    COLLECTION_PREFIX,
    RECLUSTER_QUIET_SECONDS: '300',
    GRAPHQL_ENDPOINT: 'http://127.0.0.1:9/graphql',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  // Composed at import, from the environment, as in a Lambda container.
  ({ handler } = await import('../ingestion/recluster-handler.ts'));
});

beforeEach(() => {
  rekognition.reset();
  rekognition.on(SearchFacesCommand).callsFake(async (input) => {
    const ownerId = String(input.CollectionId).slice(COLLECTION_PREFIX.length);
    const matches = await engine.searchFaces(ownerId, input.FaceId, {
      threshold: input.FaceMatchThreshold,
      maxMatches: input.MaxFaces,
    });
    return {
      FaceMatches: matches.map((match) => ({
        Similarity: match.similarity,
        Face: { FaceId: match.faceId, ExternalImageId: match.photoId },
      })),
    };
  });
});

afterAll(async () => {
  rekognition.restore();
  await harness?.close();
});

function lambdaContext(remainingMs: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'face-groups-reclustering',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:reclustering',
    memoryLimitInMB: '2048',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/reclustering',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const scheduled = {} as ScheduledEvent;

/** Ingests photos of one person for the owner, and dates the owner's note `ageMs` back. */
async function dueOwner(ownerId: string, photos: number, ageMs: number): Promise<void> {
  for (let index = 0; index < photos; index += 1) {
    const uploaded = await upload(harness, `photos-raw/${ownerId}/${index}.jpg`, await plainJpeg());
    engine.script(uploaded.photoId, [{ label: `${ownerId}-person` }]);
    await harness.handler(uploaded.event);
  }
  const store = adapters.metadataStore;
  const note = (await store.listReclusterDue()).find((due) => due.ownerId === ownerId)!;
  await store.clearReclusterDue(note);
  await store.markReclusterDue(ownerId, new Date(Date.now() - ageMs).toISOString());
}

async function dueOwnerIds(): Promise<string[]> {
  return (await adapters.metadataStore.listReclusterDue()).map((due) => due.ownerId);
}

function searchedCollections(): string[] {
  return rekognition
    .commandCalls(SearchFacesCommand)
    .map((call) => String(call.args[0].input.CollectionId));
}

describe('the scheduled re-clustering Lambda', () => {
  it('re-clusters the owners quiet for RECLUSTER_QUIET_SECONDS, one search per face', async () => {
    await dueOwner('quiet', 3, 10 * 60_000);
    await dueOwner('busy', 1, 0);

    const run = await handler(scheduled, lambdaContext(14 * 60_000));

    expect(run).toEqual({ owners: 1, faces: 3, movedFaces: 0, stoppedEarly: false });
    expect(searchedCollections()).toEqual(Array(3).fill(`${COLLECTION_PREFIX}quiet`));
    expect(await dueOwnerIds()).not.toContain('quiet');
    expect(await dueOwnerIds()).toContain('busy');
  });

  it('starts no owner with less than three minutes left, and leaves it due', async () => {
    await dueOwner('late', 2, 10 * 60_000);

    const run = await handler(scheduled, lambdaContext(2 * 60_000));

    expect(run).toMatchObject({ owners: 0, stoppedEarly: true });
    expect(searchedCollections()).toEqual([]);
    expect(await dueOwnerIds()).toContain('late');
  });
});
