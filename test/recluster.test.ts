import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsAdapters } from '../ingestion/aws-adapters.ts';
import { reclusterOwner, type ReclusterDependencies } from '../ingestion/recluster.ts';
import { ScriptedFaceEngine, type ScriptedFace } from './support/scripted-face-engine.ts';
import {
  appearancesOf,
  peopleOf,
  plainJpeg,
  processedObject,
  RecordingPublisher,
  startPipelineHarness,
  upload,
  type PipelineHarness,
} from './support/pipeline-harness.ts';

let engine: ScriptedFaceEngine;
let harness: PipelineHarness;
let deps: ReclusterDependencies;
let publisher: RecordingPublisher;
let photoNumber = 0;

beforeAll(async () => {
  engine = new ScriptedFaceEngine();
  harness = await startPipelineHarness(engine);
  publisher = new RecordingPublisher();
  deps = {
    ...createAwsAdapters(harness.settings),
    faceEngine: engine,
    publisher,
    settings: harness.settings,
    logger: new Logger({ serviceName: 'face-groups-test', logLevel: 'SILENT' }),
  };
});

afterAll(async () => {
  await harness?.close();
});

/** Ingests a photo scripted to show faces with these labels (or these scripted faces). */
async function ingest(ownerId: string, faces: (string | ScriptedFace)[]) {
  photoNumber += 1;
  const uploaded = await upload(
    harness,
    `photos-raw/${ownerId}/photo-${photoNumber}.jpg`,
    await plainJpeg(),
  );
  engine.script(
    uploaded.photoId,
    faces.map((face) => (typeof face === 'string' ? { label: face } : face)),
  );
  await harness.handler(uploaded.event);
  return uploaded.photoId;
}

/** Makes the engine see a face as another label from now on, as a changed model would. */
function relabel(photoId: string, label: string) {
  for (const [faceId, face] of engine.faces) {
    if (face.photoId === photoId) engine.faces.set(faceId, { ...face, label });
  }
}

async function personOf(ownerId: string, photoId: string) {
  const appearances = await appearancesOf(harness, ownerId);
  return appearances.find((appearance) => appearance.photoId === photoId)!.personId!;
}

async function name(ownerId: string, personId: string, newName: string) {
  await harness.db.send(
    new UpdateCommand({
      TableName: harness.settings.peopleTable,
      Key: { ownerId, personId },
      UpdateExpression: 'SET #name = :name',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':name': newName },
    }),
  );
}

describe('re-clustering an owner’s faces', () => {
  it('re-joins a split person under the id of its larger part and moves the thumbnails', async () => {
    const owner = 'owner-split';
    const first = await ingest(owner, ['ana']);
    await ingest(owner, ['ana']);
    const stray = await ingest(owner, ['ana-seen-apart']);
    const kept = await personOf(owner, first);
    const strayPerson = await personOf(owner, stray);
    relabel(stray, 'ana');

    const result = await reclusterOwner(owner, deps);

    expect(result).toMatchObject({ faces: 3, people: 1, keptPeople: 1, movedFaces: 1 });
    const people = await peopleOf(harness, owner);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ personId: kept, faceCount: 3, photoCount: 3 });
    const moved = (await appearancesOf(harness, owner)).find((a) => a.photoId === stray)!;
    expect(moved).toMatchObject({
      personId: kept,
      personPhoto: `${kept}#${stray}#${moved.faceId}`,
      thumbnailKey: `people/${kept}/${moved.faceId}.jpg`,
      similarity: 95,
    });
    expect(await processedObject(harness, moved.thumbnailKey)).toBeDefined();
    expect(await processedObject(harness, `people/${strayPerson}/${moved.faceId}.jpg`)).toBe(
      undefined,
    );
  });

  it('changes nothing when every person’s faces stay together', async () => {
    const owner = 'owner-stable';
    await ingest(owner, ['bo', 'cy']);
    await ingest(owner, ['bo']);
    await ingest(owner, ['cy']);
    const before = await appearancesOf(harness, owner);

    const result = await reclusterOwner(owner, deps);

    expect(result).toMatchObject({ people: 2, keptPeople: 2, newPeople: 0, movedFaces: 0 });
    expect(await appearancesOf(harness, owner)).toEqual(before);
  });

  it('keeps a name when the named person joins a larger unnamed one', async () => {
    const owner = 'owner-named';
    await ingest(owner, ['di']);
    await ingest(owner, ['di']);
    const namedPhoto = await ingest(owner, ['di-seen-apart']);
    const named = await personOf(owner, namedPhoto);
    await name(owner, named, 'Di');
    relabel(namedPhoto, 'di');

    await reclusterOwner(owner, deps);

    const people = await peopleOf(harness, owner);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ personId: named, name: 'Di', faceCount: 3 });
  });

  it('never merges two people the owner named differently', async () => {
    const owner = 'owner-two-names';
    const first = await ingest(owner, ['ed']);
    const second = await ingest(owner, ['ed-seen-apart']);
    await name(owner, await personOf(owner, first), 'Ed');
    await name(owner, await personOf(owner, second), 'Edward');
    relabel(second, 'ed');

    await reclusterOwner(owner, deps);

    const names = (await peopleOf(harness, owner)).map((person) => person.name).sort();
    expect(names).toEqual(['Ed', 'Edward']);
  });

  it('keeps the name on the largest part when a named person’s faces split', async () => {
    const owner = 'owner-named-split';
    const first = await ingest(owner, ['fay']);
    await ingest(owner, ['fay']);
    const other = await ingest(owner, ['fay']);
    const named = await personOf(owner, first);
    await name(owner, named, 'Fay');
    relabel(other, 'gil');
    publisher.people.length = 0;

    const result = await reclusterOwner(owner, deps);

    expect(result).toMatchObject({ people: 2, keptPeople: 1, newPeople: 1, movedFaces: 1 });
    const people = await peopleOf(harness, owner);
    expect(people.find((person) => person.personId === named)).toMatchObject({
      name: 'Fay',
      faceCount: 2,
    });
    const newcomer = await personOf(owner, other);
    expect(newcomer).not.toBe(named);
    expect(publisher.people.map((person) => person.personId)).toEqual([newcomer]);
  });

  it('never puts two faces of one photo in one person', async () => {
    const owner = 'owner-twins';
    await ingest(owner, ['hal', 'hal']);
    await ingest(owner, ['hal']);

    await reclusterOwner(owner, deps);

    const appearances = await appearancesOf(harness, owner);
    const pairs = appearances.map((appearance) => `${appearance.photoId}#${appearance.personId}`);
    expect(new Set(pairs).size).toBe(appearances.length);
    expect(await peopleOf(harness, owner)).toHaveLength(2);
  });

  it('leaves faces that belong to nobody as they are', async () => {
    const owner = 'owner-unassigned';
    const photo = await ingest(owner, [
      'ivy',
      { label: 'ivy', unindexedReasons: ['SMALL_BOUNDING_BOX'] },
    ]);
    await ingest(owner, ['ivy']);

    await reclusterOwner(owner, deps);

    const faces = (await appearancesOf(harness, owner)).filter((a) => a.photoId === photo);
    const small = faces.find((appearance) => appearance.unassignedReason === 'TOO_SMALL');
    expect(small).toBeDefined();
    expect(small!.personId).toBeUndefined();
    expect(small!.thumbnailKey).toMatch(/^unassigned\//);
    expect(await peopleOf(harness, owner)).toHaveLength(1);
  });
});
