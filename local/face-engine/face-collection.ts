/**
 * Each owner's indexed faces (descriptor and source photo, by faceId), kept in memory and saved
 * as one JSON file per owner under a folder. An owner's file is read the first time the owner is
 * needed and rewritten whole after each change, through a temporary file and a rename so that a
 * crash leaves either the old or the new collection, never half of one.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { euclideanDistance } from './similarity.ts';

export interface StoredFace {
  faceId: string;
  photoId: string;
  descriptor: Float32Array;
}

export interface NearFace {
  faceId: string;
  photoId: string;
  distance: number;
}

/** The file's shape; descriptors are little-endian float32, base64-encoded. */
interface CollectionFile {
  version: 1;
  ownerId: string;
  faces: Record<string, { photoId: string; descriptor: string }>;
}

function encodeDescriptor(descriptor: Float32Array): string {
  return Buffer.from(descriptor.buffer, descriptor.byteOffset, descriptor.byteLength).toString(
    'base64',
  );
}

function decodeDescriptor(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  // Copied into a fresh buffer: Buffer.from may return a slice whose offset is not 4-aligned.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

class OwnerFaces {
  /** Saves run one after another, so an older snapshot never replaces a newer one. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly ownerId: string,
    readonly faces: Map<string, StoredFace>,
    private readonly file: string,
  ) {}

  save(): Promise<void> {
    const saved = this.saving.then(() => this.write());
    this.saving = saved.catch(() => undefined);
    return saved;
  }

  private async write(): Promise<void> {
    const content: CollectionFile = { version: 1, ownerId: this.ownerId, faces: {} };
    for (const face of this.faces.values()) {
      content.faces[face.faceId] = {
        photoId: face.photoId,
        descriptor: encodeDescriptor(face.descriptor),
      };
    }
    const temporary = `${this.file}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(content));
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

export class FaceCollection {
  private readonly owners = new Map<string, Promise<OwnerFaces>>();

  constructor(private readonly folder: string) {}

  /** Adds or replaces faces of one owner, then saves the owner's collection. */
  async putFaces(ownerId: string, faces: StoredFace[]): Promise<void> {
    const owner = await this.owner(ownerId);
    for (const face of faces) owner.faces.set(face.faceId, face);
    await owner.save();
  }

  /** Removes faces; ids the owner does not hold are ignored. */
  async deleteFaces(ownerId: string, faceIds: string[]): Promise<void> {
    const owner = await this.owner(ownerId);
    const removed = faceIds.filter((faceId) => owner.faces.delete(faceId));
    if (removed.length > 0) await owner.save();
  }

  async getFace(ownerId: string, faceId: string): Promise<StoredFace | undefined> {
    return (await this.owner(ownerId)).faces.get(faceId);
  }

  async listFaces(ownerId: string): Promise<StoredFace[]> {
    return [...(await this.owner(ownerId)).faces.values()];
  }

  /** The owner's faces within `maxDistance` of a descriptor, nearest first, by brute force. */
  async nearestFaces(
    ownerId: string,
    descriptor: Float32Array,
    maxDistance: number,
  ): Promise<NearFace[]> {
    const near: NearFace[] = [];
    for (const face of (await this.owner(ownerId)).faces.values()) {
      const distance = euclideanDistance(descriptor, face.descriptor);
      if (distance <= maxDistance)
        near.push({ faceId: face.faceId, photoId: face.photoId, distance });
    }
    return near.sort((a, b) => a.distance - b.distance);
  }

  private owner(ownerId: string): Promise<OwnerFaces> {
    let owner = this.owners.get(ownerId);
    if (!owner) {
      owner = this.load(ownerId);
      this.owners.set(ownerId, owner);
      // A failed read is not remembered, so the next call tries again.
      owner.catch(() => this.owners.delete(ownerId));
    }
    return owner;
  }

  private async load(ownerId: string): Promise<OwnerFaces> {
    if (ownerId === '') throw new RangeError('An ownerId must not be empty');
    await mkdir(this.folder, { recursive: true });
    const file = join(this.folder, `${encodeURIComponent(ownerId)}.json`);
    const faces = new Map<string, StoredFace>();
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      const content = JSON.parse(text) as CollectionFile;
      for (const [faceId, face] of Object.entries(content.faces)) {
        faces.set(faceId, {
          faceId,
          photoId: face.photoId,
          descriptor: decodeDescriptor(face.descriptor),
        });
      }
    }
    return new OwnerFaces(ownerId, faces, file);
  }
}
