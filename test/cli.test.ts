import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePhotosDir } from '../local/commands/ingest.ts';
import {
  findRunningStack,
  readStackState,
  stackStatePath,
  writeStackState,
} from '../local/stack-state.ts';
import { ColourFaceEngine, colourPhoto } from './support/colour-face-engine.ts';
import { startTestStack, type TestStack } from './support/test-stack.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'local', 'face-groups.mjs');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function faceGroups(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
}

/** A folder of photos whose colours say who they show (see the colour face engine). */
async function writePhotoFolder(folder: string): Promise<void> {
  mkdirSync(join(folder, 'family trip'), { recursive: true });
  writeFileSync(join(folder, 'red.jpg'), await colourPhoto(['red']));
  writeFileSync(join(folder, 'red and blue.jpg'), await colourPhoto(['red', 'blue']));
  writeFileSync(join(folder, 'family trip', 'Ana & Bo (1).jpg'), await colourPhoto(['blue']));
  writeFileSync(join(folder, 'wall.png'), await colourPhoto([]));
  writeFileSync(join(folder, 'not a photo.jpg'), 'these are words, not pixels');
  writeFileSync(join(folder, 'labels.json'), '{}');
  writeFileSync(join(folder, '.hidden.jpg'), await colourPhoto(['green']));
}

describe('face-groups --help', () => {
  it('lists the commands, and each command explains its options', async () => {
    const top = await faceGroups('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/start .*\n.*ingest .*\n.*people /);

    for (const command of ['start', 'ingest', 'people']) {
      const help = await faceGroups(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: face-groups ${command}`);
      expect(help.stdout).toContain('--data-dir');
    }
  });

  it('refuses an unknown option with exit code 2 and a pointer to the help', async () => {
    const result = await faceGroups('people', '--colour', 'red');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('face-groups people --help');
  });
});

describe('face-groups ingest and people on a running stack', () => {
  let folder: string;
  let engine: ColourFaceEngine;
  let testStack: TestStack;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'face-groups-photos-'));
    await writePhotoFolder(folder);
    engine = new ColourFaceEngine();
    testStack = await startTestStack({ createFaceEngine: async () => engine });
  });

  afterAll(async () => {
    await testStack?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('uploads every image file, waits for each outcome and sums them up as JSON', async () => {
    const result = await faceGroups(
      ...['ingest', folder, '--json', '--owner', 'cli', '--data-dir', testStack.dataDir],
    );

    expect(result.stderr).toContain(`Using the stack running as pid ${process.pid}`);
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      owner: 'cli',
      photos: 5,
      done: 3,
      faces: 4,
      noFaces: 1,
      failed: 1,
      unfinished: 0,
      people: 2,
      newPeople: 2,
      failures: { UNSUPPORTED_IMAGE: 1 },
      failedPhotos: [{ name: 'not a photo.jpg', status: 'FAILED', reason: 'UNSUPPORTED_IMAGE' }],
      skipped: ['labels.json'],
    });
    expect(typeof lastJsonLine(result.stdout).seconds).toBe('number');
  });

  it('lists each person with the files they appear in', async () => {
    const result = await faceGroups(
      ...['people', '--json', '--owner', 'cli', '--data-dir', testStack.dataDir],
    );

    expect(result.code).toBe(0);
    const { people } = lastJsonLine(result.stdout) as { people: { photos: string[] }[] };
    expect(people.map((person) => person.photos).sort()).toEqual([
      ['family trip/Ana & Bo (1).jpg', 'red and blue.jpg'],
      ['red and blue.jpg', 'red.jpg'],
    ]);
  });

  it('waits for the new outcome when a file is uploaded again with other content', async () => {
    writeFileSync(join(folder, 'red.jpg'), await colourPhoto(['green', 'yellow']));

    const result = await faceGroups(
      ...['ingest', folder, '--json', '--owner', 'cli', '--data-dir', testStack.dataDir],
    );

    expect(lastJsonLine(result.stdout)).toMatchObject({
      photos: 5,
      done: 3,
      faces: 5,
      people: 4,
      newPeople: 2,
    });
    const people = await faceGroups(
      ...['people', '--json', '--owner', 'cli', '--data-dir', testStack.dataDir],
    );
    const listed = lastJsonLine(people.stdout) as { people: { photos: string[] }[] };
    expect(listed.people.filter((person) => person.photos.includes('red.jpg'))).toHaveLength(2);
  });

  it('prints plain progress lines and a readable summary without --json', async () => {
    const result = await faceGroups(
      ...['ingest', folder, '--owner', 'cli-text', '--data-dir', testStack.dataDir],
    );

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[\d\/5\] FAILED +not a photo\.jpg +UNSUPPORTED_IMAGE/);
    expect(result.stdout).toContain('5 photos in');
    expect(result.stdout).toContain('Skipped (not image files): labels.json');
  });
});

describe('face-groups ingest without a running stack', () => {
  it('starts a stack with the real face engine for the ingest, and stops it after', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'face-groups-photos-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-data-'));
    for (const sample of ['sample1.jpg', 'sample2.jpg']) {
      copyFileSync(join(samplePhotosDir(), sample), join(folder, sample));
    }

    const ingest = await faceGroups(
      'ingest',
      folder,
      '--json',
      '--workers',
      '1',
      '--data-dir',
      dataDir,
    );
    const people = await faceGroups('people', '--json', '--data-dir', dataDir);
    rmSync(folder, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });

    expect(ingest.stderr).toContain('Started a stack for this ingest');
    const summary = lastJsonLine(ingest.stdout);
    expect(summary).toMatchObject({ owner: 'demo', photos: 2, done: 2, failed: 0 });
    expect(summary.faces).toBeGreaterThanOrEqual(2);
    expect(existsSync(stackStatePath(dataDir))).toBe(false);
    const listed = lastJsonLine(people.stdout) as { people: { photos: string[] }[] };
    expect(listed.people.length).toBe(summary.people);
    expect(new Set(listed.people.flatMap((person) => person.photos))).toEqual(
      new Set(['sample1.jpg', 'sample2.jpg']),
    );
  });
});

describe('the stack state file', () => {
  it('is removed when the stack stops, and the next start reuses the data folder', async () => {
    const first = await startTestStack();
    const { dataDir } = first;
    const folder = mkdtempSync(join(tmpdir(), 'face-groups-photos-'));
    writeFileSync(join(folder, 'blue.jpg'), await colourPhoto(['blue']));
    await faceGroups('ingest', folder, '--json', '--owner', 'kept', '--data-dir', dataDir);
    expect(readStackState(dataDir)?.pid).toBe(process.pid);
    await first.stop();
    expect(existsSync(stackStatePath(dataDir))).toBe(false);

    const second = await startTestStack({ dataDir });
    const people = await faceGroups('people', '--json', '--owner', 'kept', '--data-dir', dataDir);
    await second.close();
    rmSync(folder, { recursive: true, force: true });

    expect(lastJsonLine(people.stdout)).toMatchObject({ people: [{ photos: ['blue.jpg'] }] });
  });

  it('is ignored when the process that wrote it is gone (the data is read as stored)', async () => {
    const testStack = await startTestStack();
    const { dataDir } = testStack;
    const folder = mkdtempSync(join(tmpdir(), 'face-groups-photos-'));
    writeFileSync(join(folder, 'red.jpg'), await colourPhoto(['red']));
    await faceGroups('ingest', folder, '--json', '--owner', 'stale', '--data-dir', dataDir);
    const state = readStackState(dataDir);
    await testStack.stop();
    // A stack killed without a chance to clean up leaves its file behind.
    writeStackState({ ...state!, pid: 2 ** 22 + 1 });

    expect(await findRunningStack(dataDir)).toBeUndefined();
    const people = await faceGroups('people', '--json', '--owner', 'stale', '--data-dir', dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });

    expect(people.code).toBe(0);
    expect(lastJsonLine(people.stdout)).toMatchObject({ people: [{ photos: ['red.jpg'] }] });
  });
});
