/**
 * `face-groups recluster`: regroups all of an owner's faces at once with the current settings,
 * so that the people no longer depend on the order the photos came in. Works on the stack
 * running on the data folder, or on the stored data when none runs.
 */
import { join, resolve } from 'node:path';
import { createAwsAdapters } from '../../ingestion/aws-adapters.ts';
import {
  defaultReclusterThreshold,
  reclusterOwner,
  type ReclusterResult,
} from '../../ingestion/recluster.ts';
import { readSettings } from '../../ingestion/settings.ts';
import { isValidOwnerId } from '../../model/keys.ts';
import { UsageError } from '../errors.ts';
import { localLogger } from '../logger.ts';
import { connectOrOpenData } from '../stack-connection.ts';
import { DEFAULT_DATA_DIR } from '../stack-state.ts';
import { DEFAULT_OWNER, parseCommandArgs, type Command, type CommandOutput } from './command.ts';

const HELP = `Usage: face-groups recluster [options]

Regroups all of the owner's faces at once: average-linkage clustering over every pair of faces,
never putting two faces of one photo, or two people named differently, in one person. A person
whose faces mostly stay together keeps its id; a named person keeps its name (on the largest
part of its faces); faces that belong to nobody stay so. Runs under the owner's grouping lease,
so photos being ingested wait for it.

Options:
  --owner ID       owner whose faces to regroup (default: ${DEFAULT_OWNER})
  --threshold N    lowest mean similarity (0-100) at which two groups merge
                   (default: MATCH_THRESHOLD minus 7: ${defaultReclusterThreshold(80)} at 80)
  --json           print the result as one JSON object on the last line of stdout
  --data-dir D     data folder (default: ${DEFAULT_DATA_DIR})
  -h, --help       show this help
`;

export const reclusterCommand: Command = {
  name: 'recluster',
  summary: "regroup all of an owner's faces at once, keeping ids and names",
  help: HELP,
  async run(args: string[], output: CommandOutput): Promise<number> {
    const { values } = parseCommandArgs(args, {
      owner: { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    });
    if (values.help) {
      output.stdout.write(HELP);
      return 0;
    }
    const ownerId = values.owner ?? DEFAULT_OWNER;
    if (!isValidOwnerId(ownerId)) throw new UsageError(`--owner ${ownerId} is not an owner id`);
    const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
    if (threshold !== undefined && !(threshold >= 0 && threshold <= 100)) {
      throw new UsageError(
        `--threshold must be a similarity from 0 to 100, not ${values.threshold}`,
      );
    }

    const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
    // The result goes to stdout; the logs keep to warnings and errors.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    const data = await connectOrOpenData(dataDir);
    let result: ReclusterResult;
    try {
      Object.assign(process.env, data.environment);
      const settings = readSettings();
      // Loaded only here: the engine brings the face model; re-clustering only searches with it.
      const { createLocalFaceEngine } = await import('../face-engine/local-face-engine.ts');
      const faceEngine = await createLocalFaceEngine({
        collectionDir: join(dataDir, 'collections'),
        workers: 1,
      });
      try {
        result = await reclusterOwner(
          ownerId,
          {
            ...createAwsAdapters(settings),
            faceEngine,
            settings,
            logger: localLogger('recluster'),
          },
          { threshold },
        );
      } finally {
        await faceEngine.close();
      }
    } finally {
      await data.close();
    }

    output.stdout.write(
      values.json
        ? `${JSON.stringify({ owner: ownerId, ...result })}\n`
        : `Owner ${ownerId}: ${plural(result.faces, 'face')} regrouped into ` +
            `${plural(result.people, 'person', 'people')} (${result.keptPeople} kept their id, ` +
            `${result.newPeople} new, ${result.removedPeople} merged away); ` +
            `${plural(result.movedFaces, 'face')} changed person\n`,
    );
    return 0;
  },
};

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
