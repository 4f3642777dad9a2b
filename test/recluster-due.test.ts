import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsAdapters, type AwsAdapters } from '../ingestion/aws-adapters.ts';
import type { FaceEngine } from '../ingestion/ports.ts';
import { reclusterDueOwners, ReclusteringFailedError } from '../ingestion/recluster-due-owners.ts';
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

function deps(faceEngine: FaceEngine = engine) {
  return { ...adapters, faceEngine, settings: harness.settings, logger };
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

/** The scripted engine, except that every search of one owner's faces fails. */
function failingFor(failingOwnerId: string): FaceEngine {
  return {
    indexFaces: (...args) => engine.indexFaces(...args),
    deleteFaces: (...args) => engine.deleteFaces(...args),
    searchFaces: async (ownerId, faceId, options) => {
      if (ownerId === failingOwnerId) throw new Error('The collection is unreachable');
      return engine.searchFaces(ownerId, faceId, options);
    },
  };
}

async function noteOf(ownerId: string) {
  return (await adapters.metadataStore.listReclusterDue()).find((due) => due.ownerId === ownerId);
}

describe('runs of the due re-clustering', () => {
  it('go on past an owner that fails, leave it due as it was, then report it', async () => {
    await ingest('runs-failing', 'a.jpg', ['ann']);
    await ingest('runs-fine', 'b.jpg', ['bo']);
    const note = await noteOf('runs-failing');

    const run = reclusterDueOwners(deps(failingFor('runs-failing')), { quietMs: 0 });

    await expect(run).rejects.toThrow(ReclusteringFailedError);
    await expect(run).rejects.toMatchObject({ ownerIds: ['runs-failing'] });
    expect(await noteOf('runs-failing')).toEqual(note);
    expect(await noteOf('runs-fine')).toBeUndefined();
  });

  it('that overlap re-cluster an owner once between them', async () => {
    await ingest('runs-overlap', 'c.jpg', ['cy']);

    const [first, second] = await Promise.all([
      reclusterDueOwners(deps(), { quietMs: 0 }),
      reclusterDueOwners(deps(), { quietMs: 0 }),
    ]);

    const runs = [...first, ...second].filter((owner) => owner.ownerId === 'runs-overlap');
    expect(runs).toHaveLength(1);
  });

  it('start no owner once told to stop, and use the options given for each owner', async () => {
    await ingest('runs-stopped', 'd.jpg', ['di']);
    let asked = 0;

    const stopped = await reclusterDueOwners(deps(), { quietMs: 0, canStart: () => false });
    const done = await reclusterDueOwners(deps(), {
      quietMs: 0,
      ownerOptions: () => {
        asked += 1;
        return { searchConcurrency: 1 };
      },
    });

    expect(stopped).toEqual([]);
    expect(done.map((owner) => owner.ownerId)).toContain('runs-stopped');
    expect(asked).toBe(done.length);
  });
});
