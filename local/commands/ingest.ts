/** `face-groups ingest`: uploads a folder of photos and waits until each is processed. */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { isValidOwnerId } from '../../model/keys.ts';
import { UsageError } from '../errors.ts';
import { ingestPhotos, type IngestSummary } from '../ingest-photos.ts';
import { listPhotoFiles, type PhotoFolder } from '../photo-files.ts';
import { createProgressReporter, describeOutcome } from '../progress.ts';
import { closeOnSignals } from '../shutdown.ts';
import { connectOrStartStack } from '../stack-connection.ts';
import { DEFAULT_DATA_DIR } from '../stack-state.ts';
import {
  DEFAULT_OWNER,
  parseCommandArgs,
  plural,
  positiveIntegerOption,
  type Command,
  type CommandOutput,
} from './command.ts';

const HELP = `Usage: face-groups ingest [DIR] [options]

Uploads the photos of DIR (sub-folders included) through the S3 API into the raw bucket, under
photos-raw/<owner>/<path in DIR>, waits until each reaches a final status (DONE, NO_FACES or
FAILED with a reason) and prints a summary. Files with an image extension are uploaded, formats
the pipeline cannot read included (they end FAILED); other files are listed as skipped.

Uses the stack running on the data folder, or starts one in this process for the ingest.
Without DIR, ingests the sample photos of @vladmandic/face-api.

Options:
  --owner ID      owner of the photos (default: ${DEFAULT_OWNER})
  --json          print the summary as one JSON object on the last line of stdout
  --data-dir D    data folder (default: ${DEFAULT_DATA_DIR})
  --workers N     face engine workers of a stack started for the ingest (default: cores)
  -h, --help      show this help
`;

/** Only the photos of the package's demo folder: its screenshots are of its own web page. */
function samplePhotos(folder: PhotoFolder): PhotoFolder {
  return {
    photos: folder.photos.filter((photo) => /^sample\d+\.jpg$/.test(photo.name)),
    skipped: [],
  };
}

/** The sample photos that ship with the face model's package. */
export function samplePhotosDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'upload a folder of photos and wait until they are processed',
  help: HELP,
  async run(args: string[], output: CommandOutput): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        owner: { type: 'string' },
        json: { type: 'boolean' },
        'data-dir': { type: 'string' },
        workers: { type: 'string' },
      },
      1,
    );
    if (values.help) {
      output.stdout.write(HELP);
      return 0;
    }
    const ownerId = values.owner ?? DEFAULT_OWNER;
    if (!isValidOwnerId(ownerId)) {
      throw new UsageError(`--owner must be 1-128 of A-Z a-z 0-9 _ . : @ -, not ${ownerId}`);
    }
    const folder = resolve(positionals[0] ?? samplePhotosDir());
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new UsageError(`${folder} is not a folder`);
    }
    const workers = positiveIntegerOption(values.workers, 'workers');
    const listed = listPhotoFiles(folder);
    const { photos, skipped } = positionals[0] === undefined ? samplePhotos(listed) : listed;
    const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);

    // The ingest reports each photo's outcome itself: a stack started for it logs only errors.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    const connection = await connectOrStartStack({ dataDir, workers });
    const stopOnSignal = closeOnSignals(() => connection.close());
    output.stderr.write(
      connection.embedded
        ? `Started a stack for this ingest (data in ${dataDir})\n`
        : `Using the stack running as pid ${connection.runningPid} (data in ${dataDir})\n`,
    );
    output.stderr.write(
      `Ingesting ${plural(photos.length, 'photo')} of ${folder} for owner ${ownerId}\n`,
    );

    const progress = createProgressReporter(output.stderr);
    const embedded = connection.embedded;
    let summary: IngestSummary;
    try {
      summary = await ingestPhotos({
        clients: connection.clients,
        ownerId,
        photos,
        onUploaded: (_photo, current) => progress.uploaded(current),
        onFinished: (outcome, current) => progress.finished(outcome, current),
        settled: embedded ? () => embedded.settled() : undefined,
      });
    } finally {
      progress.end();
      stopOnSignal();
      await connection.close();
    }

    const report = { ...summaryReport(summary), skipped, folder, dataDir };
    output.stdout.write(values.json ? `${JSON.stringify(report)}\n` : describeSummary(report));
    return summary.unfinished > 0 ? 1 : 0;
  },
};

/** The summary without the per-photo list, plus the failed photos with their reasons. */
function summaryReport(summary: IngestSummary) {
  const { outcomes, ...counts } = summary;
  const failedPhotos = outcomes
    .filter((outcome) => outcome.status === 'FAILED' || outcome.status === 'UNFINISHED')
    .map(({ name, status, reason, reasonMessage }) => ({ name, status, reason, reasonMessage }));
  return { ...counts, failedPhotos };
}

function describeSummary(report: ReturnType<typeof summaryReport> & { skipped: string[] }) {
  const lines = [
    `${plural(report.photos, 'photo')} in ${report.seconds} s ` +
      `(${report.photosPerSecond} photos/s): ` +
      `${report.done} with faces, ${report.noFaces} without, ${report.failed} failed` +
      (report.unfinished > 0 ? `, ${report.unfinished} unfinished` : ''),
    `${plural(report.faces, 'face')}; owner ${report.owner} has ${report.people} people ` +
      `(${report.newPeople} new)`,
  ];
  for (const photo of report.failedPhotos) {
    lines.push(`  ${photo.status} ${photo.name}: ${describeOutcome(photo)}`);
  }
  if (report.skipped.length > 0) {
    lines.push(`Skipped (not image files): ${report.skipped.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
