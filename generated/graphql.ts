export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  AWSDate: { input: string; output: string; }
  AWSDateTime: { input: string; output: string; }
  AWSEmail: { input: string; output: string; }
  AWSIPAddress: { input: string; output: string; }
  AWSJSON: { input: string; output: string; }
  AWSPhone: { input: string; output: string; }
  AWSTime: { input: string; output: string; }
  AWSTimestamp: { input: number; output: number; }
  AWSURL: { input: string; output: string; }
};

/** One face in one photo. */
export type Appearance = {
  __typename?: 'Appearance';
  appearanceId: Scalars['ID']['output'];
  boundingBox: BoundingBox;
  /** Detection confidence, 0-100. */
  confidence: Scalars['Float']['output'];
  createdAt: Scalars['AWSDateTime']['output'];
  faceId: Scalars['ID']['output'];
  /** Absent while the face belongs to nobody (see `unassignedReason`). */
  personId: Maybe<Scalars['ID']['output']>;
  photoId: Scalars['ID']['output'];
  /** Similarity (0-100) to the face that matched it to its person; absent for a founding face. */
  similarity: Maybe<Scalars['Float']['output']>;
  /** A presigned GET of the face's thumbnail. */
  thumbnailUrl: Maybe<Scalars['AWSURL']['output']>;
  unassignedReason: Maybe<UnassignedReason>;
};


/** One face in one photo. */
export type AppearanceThumbnailUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type AppearanceConnection = {
  __typename?: 'AppearanceConnection';
  items: Array<Appearance>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** A box as ratios (0-1) of the upright image's width and height. */
export type BoundingBox = {
  __typename?: 'BoundingBox';
  height: Scalars['Float']['output'];
  left: Scalars['Float']['output'];
  top: Scalars['Float']['output'];
  width: Scalars['Float']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * A presigned PUT for a new photo under the caller's `photos-raw/<ownerId>/` prefix. The photo
   * is recorded as PENDING until its upload has been processed.
   */
  createPhotoUpload: PhotoUpload;
  /** Sent by the ingestion only: tells the owner's subscribers that a person was found. */
  publishPersonCreated: Maybe<PersonCreatedEvent>;
  /**
   * Asks for the caller's people to be regrouped from all their faces at once, at the next
   * scheduled re-clustering (within minutes), without waiting for the uploads to go quiet. People
   * whose faces mostly stay together keep their personId and name. True once asked.
   */
  reclusterPeople: Scalars['Boolean']['output'];
  /** Names a person (or, with no name, removes the name). */
  renamePerson: Maybe<Person>;
};


export type MutationCreatePhotoUploadArgs = {
  contentType?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};


export type MutationPublishPersonCreatedArgs = {
  input: PersonCreatedInput;
};


export type MutationRenamePersonArgs = {
  name?: InputMaybe<Scalars['String']['input']>;
  personId: Scalars['ID']['input'];
};

/** Someone seen in one or more of an owner's photos. */
export type Person = {
  __typename?: 'Person';
  /** Each face of the person, with its box in its photo. */
  appearances: AppearanceConnection;
  coverFaceId: Scalars['ID']['output'];
  createdAt: Scalars['AWSDateTime']['output'];
  faceCount: Scalars['Int']['output'];
  name: Maybe<Scalars['String']['output']>;
  personId: Scalars['ID']['output'];
  photoCount: Scalars['Int']['output'];
  /** The photos the person appears in. */
  photos: PhotoConnection;
  /** A presigned GET of the face that stands for the person. */
  thumbnailUrl: Maybe<Scalars['AWSURL']['output']>;
  updatedAt: Scalars['AWSDateTime']['output'];
};


/** Someone seen in one or more of an owner's photos. */
export type PersonAppearancesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


/** Someone seen in one or more of an owner's photos. */
export type PersonPhotosArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


/** Someone seen in one or more of an owner's photos. */
export type PersonThumbnailUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type PersonConnection = {
  __typename?: 'PersonConnection';
  items: Array<Person>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/**
 * A person was found in an owner's photos. Delivered to subscribers of that owner only; it carries
 * what the ingestion sent (query `person` for thumbnails and photos).
 */
export type PersonCreatedEvent = {
  __typename?: 'PersonCreatedEvent';
  coverFaceId: Scalars['ID']['output'];
  createdAt: Scalars['AWSDateTime']['output'];
  faceCount: Scalars['Int']['output'];
  name: Maybe<Scalars['String']['output']>;
  ownerId: Scalars['ID']['output'];
  personId: Scalars['ID']['output'];
  photoCount: Scalars['Int']['output'];
};

export type PersonCreatedInput = {
  coverFaceId: Scalars['ID']['input'];
  createdAt: Scalars['AWSDateTime']['input'];
  faceCount: Scalars['Int']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  ownerId: Scalars['ID']['input'];
  personId: Scalars['ID']['input'];
  photoCount: Scalars['Int']['input'];
};

export type Photo = {
  __typename?: 'Photo';
  /** Every face found in the photo, whether or not it belongs to a person. */
  appearances: Array<Appearance>;
  createdAt: Scalars['AWSDateTime']['output'];
  faceCount: Maybe<Scalars['Int']['output']>;
  height: Maybe<Scalars['Int']['output']>;
  /** The object key in the raw bucket: `photos-raw/<ownerId>/<name>`. */
  key: Scalars['String']['output'];
  /** The people seen in the photo. */
  people: Array<Person>;
  photoId: Scalars['ID']['output'];
  /** Why the photo is FAILED: an error code such as CORRUPT_IMAGE. */
  reason: Maybe<Scalars['String']['output']>;
  reasonMessage: Maybe<Scalars['String']['output']>;
  /** Bytes of the uploaded object. */
  size: Maybe<Scalars['Int']['output']>;
  status: PhotoStatus;
  updatedAt: Scalars['AWSDateTime']['output'];
  /** A presigned GET of the uploaded photo. */
  url: Maybe<Scalars['AWSURL']['output']>;
  /** Size of the upright image, in pixels. */
  width: Maybe<Scalars['Int']['output']>;
};


export type PhotoUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type PhotoConnection = {
  __typename?: 'PhotoConnection';
  items: Array<Photo>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type PhotoStatus =
  | 'DONE'
  | 'FAILED'
  | 'NO_FACES'
  | 'PENDING'
  | 'PROCESSING';

/** Where and how to upload a new photo. */
export type PhotoUpload = {
  __typename?: 'PhotoUpload';
  /** The Content-Type header to send with the PUT, when one was given. */
  contentType: Maybe<Scalars['String']['output']>;
  expiresAt: Scalars['AWSDateTime']['output'];
  key: Scalars['String']['output'];
  photoId: Scalars['ID']['output'];
  /** PUT the photo's bytes here before `expiresAt`. */
  url: Scalars['AWSURL']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The caller's people, those seen in the most photos first. */
  people: PersonConnection;
  /** One of the caller's people; a PERSON_NOT_FOUND error when there is none. */
  person: Maybe<Person>;
  /** One of the caller's photos; a PHOTO_NOT_FOUND error when there is none. */
  photo: Maybe<Photo>;
  /** The caller's photos of one status, newest first. */
  photos: PhotoConnection;
};


export type QueryPeopleArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryPersonArgs = {
  personId: Scalars['ID']['input'];
};


export type QueryPhotoArgs = {
  photoId: Scalars['ID']['input'];
};


export type QueryPhotosArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
  status: PhotoStatus;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** New people in the caller's photos, as the ingestion finds them. */
  onPersonCreated: Maybe<PersonCreatedEvent>;
};

export type UnassignedReason =
  | 'LOW_CONFIDENCE'
  | 'LOW_QUALITY'
  | 'TOO_SMALL'
  | 'UNINDEXED';
