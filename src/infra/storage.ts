import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * Where photos live: local disk (`localDiskStorage`, the default) or an S3-compatible bucket
 * (`s3Storage`), chosen by PHOTO_STORAGE. Keys are content-addressed, so a put may overwrite.
 */
export interface PhotoStorage {
  /** Stores `bytes` under `key`; `contentType` is kept where the backend keeps one. */
  put(key: string, bytes: Uint8Array, contentType?: string): Promise<void>;
  /** The bytes under `key`, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes the file under `key`; a key with no file is no error. */
  delete(key: string): Promise<void>;
}

/** Files under `<root>/<key>`, written atomically (a temp file of each put's own, then rename). */
export function localDiskStorage(root: string): PhotoStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const p = resolve(join(base, key));
    if (!p.startsWith(`${base}/`)) throw new Error(`storage key ${key} escapes the storage root`);
    return p;
  };
  return {
    async put(key, bytes) {
      const p = pathOf(key);
      await mkdir(dirname(p), { recursive: true });
      // Unique per put: two uploads of the same photo at once write the same key.
      const tmp = `${p}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, p);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
