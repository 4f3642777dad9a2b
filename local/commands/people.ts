/** `face-groups people`: lists an owner's people with the photos each appears in. */
import { resolve } from 'node:path';
import { isValidOwnerId } from '../../model/keys.ts';
import { UsageError } from '../errors.ts';
import { listPeople, type PersonPhotos } from '../list-people.ts';
import { connectOrOpenData } from '../stack-connection.ts';
import { DEFAULT_DATA_DIR } from '../stack-state.ts';
import {
  DEFAULT_OWNER,
  parseCommandArgs,
  plural,
  type Command,
  type CommandOutput,
} from './command.ts';

const HELP = `Usage: face-groups people [options]

Lists the owner's people, most photographed first, each with the photo files it appears in
(their names under photos-raw/<owner>/). Reads the stack running on the data folder, or the
stored data when none runs.

Options:
  --owner ID      owner whose people to list (default: ${DEFAULT_OWNER})
  --json          print { owner, people: [...] } as one JSON object on the last line of stdout
  --data-dir D    data folder (default: ${DEFAULT_DATA_DIR})
  -h, --help      show this help
`;

export const peopleCommand: Command = {
  name: 'people',
  summary: "list an owner's people and the photos they appear in",
  help: HELP,
  async run(args: string[], output: CommandOutput): Promise<number> {
    const { values } = parseCommandArgs(args, {
      owner: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    });
    if (values.help) {
      output.stdout.write(HELP);
      return 0;
    }
    const ownerId = values.owner ?? DEFAULT_OWNER;
    if (!isValidOwnerId(ownerId)) throw new UsageError(`--owner ${ownerId} is not an owner id`);

    const connection = await connectOrOpenData(resolve(values['data-dir'] ?? DEFAULT_DATA_DIR));
    let people: PersonPhotos[];
    try {
      people = await listPeople(connection.clients, ownerId);
    } finally {
      await connection.close();
    }
    output.stdout.write(
      values.json ? `${JSON.stringify({ owner: ownerId, people })}\n` : describe(ownerId, people),
    );
    return 0;
  },
};

function describe(ownerId: string, people: PersonPhotos[]): string {
  const lines = [
    `Owner ${ownerId} has ${people.length} ${people.length === 1 ? 'person' : 'people'}`,
  ];
  for (const person of people) {
    const title = person.name ? `${person.name} (${person.personId})` : person.personId;
    lines.push(
      `${title}: ${plural(person.photoCount, 'photo')}, ${plural(person.faceCount, 'face')}`,
      ...person.photos.map((photo) => `  ${photo}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
