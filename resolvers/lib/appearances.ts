import type { DynamoDBQueryRequest } from '@aws-appsync/utils';
import { APPEARANCES_BY_PERSON } from '../../model/tables.ts';
import { queryOwnerItems, type PageArguments } from './pages.ts';

/** Every face of one photo: appearance ids are `<photoId>#<faceId>`. */
export function queryPhotoAppearances(ownerId: string, photoId: string): DynamoDBQueryRequest {
  return queryOwnerItems({ ownerId, sortKey: { name: 'appearanceId', prefix: `${photoId}#` } });
}

/** One page of a person's faces, from the by-person index (`<personId>#<photoId>#<faceId>`). */
export function queryPersonAppearances(
  ownerId: string,
  personId: string,
  page: PageArguments,
): DynamoDBQueryRequest {
  return queryOwnerItems({
    ownerId,
    index: APPEARANCES_BY_PERSON,
    sortKey: { name: 'personPhoto', prefix: `${personId}#` },
    page,
  });
}
