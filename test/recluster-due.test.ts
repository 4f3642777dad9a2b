import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsAdapters, type AwsAdapters } from '../ingestion/aws-adapters.ts';
import { reclusterDueOwners } from '../ingestion/recluster-due-owners.ts';
import { ScriptedFaceEngine } from './support/scripted-face-engine.ts';
import {
  plainJpeg,
  startPipelineHarness,
  upload,
  type PipelineHarness,
} from './support/pipeline-harness.ts';

let engine: ScriptedFaceEngine;
let harness: PipelineHarness;
let adapters: AwsAdapters;
const logger = new Logger({ serviceName: 'face-groups-test', logLevel: 'SILENT' });

beforeAll(async () => {
  engine = new ScriptedFaceEngine();
  harness = await startPipelineHarness(engine);
  adapters = createAwsAdapters(harness.settings);
});

afterAll(async () => {
  await harness?.close();
});

async function ingest(ownerId: string, name: string, labels: string[]) {
  const uploaded = await upload(harness, `photos-raw/${ownerId}/${name}`, await plainJpeg());
  engine.script(
    uploaded.photoId,
    labels.map((label) => ({ label })),
  );
  await harness.handler(uploaded.event);
}

function deps() {
  return { ...adapters, faceEngine: engine, settings: harness.settings, logger };
}

describe('re-clustering the owners that are due', () => {
  it('notes an owner as due from the first grouped photo on, and not a photo without faces', async () => {
    await ingest('due-none', 'empty.jpg', []);
    await ingest('due-one', 'first.jpg', ['ann']);
    const firstNote = (await adapters.metadataStore.listReclusterDue()).find(
      (due) => due.ownerId === 'due-one',
    );
    await ingest('due-one', 'second.jpg', ['ann']);

    const due = await adapters.metadataStore.listReclusterDue();
    expect(due.map((owner) => owner.ownerId)).not.toContain('due-none');
    expect(due.find((owner) => owner.ownerId === 'due-one')).toEqual(firstNote);
  });

  it('waits until the oldest change is old enough, then re-clusters and clears the note', async () => {
    await ingest('due-wait', 'photo.jpg', ['bea']);

    expect(await reclusterDueOwners(deps(), { quietMs: 60_000 })).toEqual([]);
    const done = await reclusterDueOwners(deps(), { quietMs: 0 });

    expect(done.map((owner) => owner.ownerId)).toContain('due-wait');
    const due = await adapters.metadataStore.listReclusterDue();
    expect(due.map((owner) => owner.ownerId)).not.toContain('due-wait');
  });

  it('keeps an owner due when a photo arrives after its note was cleared', async () => {
    await ingest('due-again', 'one.jpg', ['cid']);
    await reclusterDueOwners(deps(), { quietMs: 0 });
    await ingest('due-again', 'two.jpg', ['cid']);

    const due = await adapters.metadataStore.listReclusterDue();
    expect(due.map((owner) => owner.ownerId)).toContain('due-again');
  });
});
