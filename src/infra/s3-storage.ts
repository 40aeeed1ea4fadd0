import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { PhotoStorage } from './storage.js';

/** Where an S3-compatible bucket is and how to reach it (see PHOTO_STORAGE=s3 in config). */
export interface S3StorageOptions {
  /** Base URL of a non-AWS server (MinIO, Ceph, OSS …); undefined for AWS. */
  endpoint: string | undefined;
  bucket: string;
  region: string;
  /** Undefined: the SDK's default chain (environment, profile, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Address objects as `endpoint/bucket/key` (most self-hosted servers) instead of `bucket.endpoint/key`. */
  forcePathStyle: boolean;
}

/** Photos as objects `<key>` in one bucket of an S3-compatible server. */
export function s3Storage(opts: S3StorageOptions): PhotoStorage & { close(): Promise<void> } {
  const client = new S3Client({
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  return {
    async put(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket: opts.bucket, Key: key, Body: bytes, ...(contentType ? { ContentType: contentType } : {}) }));
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: key }));
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      } catch (err) {
        // Some servers answer a missing key with a bare 404 rather than NoSuchKey.
        if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) return null;
        throw err;
      }
    },
    async delete(key) {
      // S3 answers a delete of a missing key with success.
      await client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key }));
    },
    async close() {
      client.destroy();
    },
  };
}
