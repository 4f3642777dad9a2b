/**
 * Error codes are stable strings: clients see them as GraphQL `errorType`, photos keep them as the
 * reason of their status. Each has a named error class for code that throws it.
 */
export const ERROR_CODES = [
  'EMPTY_IMAGE',
  'CORRUPT_IMAGE',
  'UNSUPPORTED_IMAGE',
  'IMAGE_TOO_LARGE',
  'IMAGE_TOO_SMALL',
  'INVALID_KEY',
  'PHOTO_NOT_FOUND',
  'PERSON_NOT_FOUND',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'PUBLISH_FAILED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base of the product's errors: every one carries a stable `code`. */
export class FaceGroupsError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The object is zero bytes long. */
export class EmptyImageError extends FaceGroupsError {
  constructor(message = 'The photo is empty (0 bytes)') {
    super('EMPTY_IMAGE', message);
  }
}

/** The bytes claim a known image format but cannot be decoded (corrupt or truncated). */
export class CorruptImageError extends FaceGroupsError {
  constructor(message: string, options?: ErrorOptions) {
    super('CORRUPT_IMAGE', message, options);
  }
}

/** The bytes are not an image format the product reads. */
export class UnsupportedImageError extends FaceGroupsError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNSUPPORTED_IMAGE', message, options);
  }
}

/** The object or its pixel count exceeds what the product accepts. */
export class ImageTooLargeError extends FaceGroupsError {
  constructor(message: string) {
    super('IMAGE_TOO_LARGE', message);
  }
}

/** The image is smaller than a face engine can read. */
export class ImageTooSmallError extends FaceGroupsError {
  constructor(message: string) {
    super('IMAGE_TOO_SMALL', message);
  }
}

/** The object key does not follow `photos-raw/<ownerId>/<name>`. */
export class InvalidKeyError extends FaceGroupsError {
  constructor(message: string) {
    super('INVALID_KEY', message);
  }
}

export class PhotoNotFoundError extends FaceGroupsError {
  constructor(photoId: string) {
    super('PHOTO_NOT_FOUND', `No photo ${photoId}`);
  }
}

export class PersonNotFoundError extends FaceGroupsError {
  constructor(personId: string) {
    super('PERSON_NOT_FOUND', `No person ${personId}`);
  }
}

export function isFaceGroupsError(error: unknown): error is FaceGroupsError {
  return error instanceof FaceGroupsError;
}

/** The GraphQL API refused or failed a publish (a subscription event). */
export class PublishFailedError extends FaceGroupsError {
  constructor(message: string, options?: ErrorOptions) {
    super('PUBLISH_FAILED', message, options);
  }
}
