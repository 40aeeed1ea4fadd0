import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { OPERATOR } from '../../src/domain/actor';
import { photoSweepJob } from '../../src/jobs/photo-sweep.job';
import { createScope } from '../../src/scope';
import { ConfigError, loadConfig } from '../../src/config';
import type * as Op from '../generated/operations';
import { REPORT_INCIDENT } from '../operations';
import { ADMIN, gqlOk, useHub } from '../setup/hub';
import { startS3Server } from '../setup/s3-server';

const BUCKET = 'gridhub-photos';
const KEYS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };
let s3: Awaited<ReturnType<typeof startS3Server>>;

// The hub starts once the S3 server answers (hooks run in the order they are declared).
const t = useHub({ instances: 0 });
beforeAll(async () => {
  s3 = await startS3Server(BUCKET);
  await t.start({ env: { PHOTO_STORAGE: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: BUCKET, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true', ...KEYS } });
});
afterAll(async () => {
  await s3?.stop();
});

const base = () => t.hub.url.replace('/graphql', '');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 9, 8, 7]);

it('stores an uploaded photo in the S3 bucket and serves it back through GET /photos', async () => {
  const res = await fetch(`${base()}/photos`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${ADMIN}` }, body: PNG });
  expect(res.status).toBe(201);
  const { key } = (await res.json()) as { key: string };
  expect(key).toMatch(/^photos\/[0-9a-f]{64}\.png$/);

  // It is in the bucket itself, typed, not on the hub's disk.
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: KEYS.S3_ACCESS_KEY_ID, secretAccessKey: KEYS.S3_SECRET_ACCESS_KEY } });
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(object.ContentType).toBe('image/png');
    expect(await object.Body!.transformToByteArray()).toEqual(PNG);
  } finally {
    client.destroy();
  }

  const back = await fetch(`${base()}/${key}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(back.status).toBe(200);
  expect(back.headers.get('content-type')).toMatch(/image\/png/);
  expect(new Uint8Array(await back.arrayBuffer())).toEqual(PNG);
  const missing = await fetch(`${base()}/photos/${'a'.repeat(64)}.png`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(missing.status).toBe(404);

  const r = await gqlOk<Op.ReportIncidentMutation>(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: '路面破损', photos: [key] } });
  expect(r.reportIncident.code).toMatch(/^E\d{8}-\d{4}$/);
});

it('sweeps an upload no incident refers to from the bucket a day later, and keeps a referenced one', async () => {
  const post = async (body: Uint8Array) => ((await (await fetch(`${base()}/photos`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body })).json()) as { key: string }).key;
  const unused = await post(new Uint8Array([...PNG, 1]));
  const used = await post(new Uint8Array([...PNG, 2]));
  await gqlOk(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M02', description: '护栏松动', photos: [used] } });
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: KEYS.S3_ACCESS_KEY_ID, secretAccessKey: KEYS.S3_SECRET_ACCESS_KEY } });
  const inBucket = (key: string) =>
    client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
      () => true,
      () => false,
    );
  try {
    expect(await inBucket(unused)).toBe(true);
    // An hour later nothing is swept; a day later the unused upload is gone from the bucket.
    await photoSweepJob.run(createScope(t.hub.deps, OPERATOR), new Date(Date.now() + 3600_000));
    expect(await inBucket(unused)).toBe(true);
    const swept = await photoSweepJob.run(createScope(t.hub.deps, OPERATOR), new Date(Date.now() + 25 * 3600_000));
    expect(swept.files).toBeGreaterThanOrEqual(1);
    expect(await inBucket(unused)).toBe(false);
    expect(await inBucket(used)).toBe(true);
  } finally {
    client.destroy();
  }
});

describe('photo storage configuration', () => {
  const oneLine = (env: Record<string, string>): string => {
    try {
      loadConfig({ LOG_LEVEL: 'silent', ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return 'accepted';
  };
  it.each([
    [{ PHOTO_STORAGE: 'ftp' }, /^invalid configuration: PHOTO_STORAGE .*\(got "ftp"\)$/],
    [{ PHOTO_STORAGE: 's3' }, /^invalid configuration: S3_BUCKET is required when PHOTO_STORAGE=s3$/],
    [{ PHOTO_STORAGE: 's3', S3_BUCKET: 'Bad_Bucket' }, /^invalid configuration: S3_BUCKET must be a bucket name/],
    [{ PHOTO_STORAGE: 's3', S3_BUCKET: 'photos', S3_ENDPOINT: 'ftp://x' }, /^invalid configuration: S3_ENDPOINT /],
    [{ PHOTO_STORAGE: 's3', S3_BUCKET: 'photos', S3_FORCE_PATH_STYLE: 'yes' }, /^invalid configuration: S3_FORCE_PATH_STYLE /],
    [{ PHOTO_STORAGE: 's3', S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'AKIA' }, /^invalid configuration: S3_SECRET_ACCESS_KEY is required with S3_ACCESS_KEY_ID$/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const text = oneLine(env);
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(message);
  });
  it('defaults to local disk and reads an S3 setup', () => {
    expect(loadConfig({ DATA_DIR: '/srv/gridhub' }).photoStorage).toEqual({ kind: 'local', root: '/srv/gridhub/storage' });
    expect(loadConfig({ PHOTO_STORAGE: 's3', S3_BUCKET: 'photos', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: '1', ...KEYS }).photoStorage).toEqual({
      kind: 's3', endpoint: 'http://minio:9000', bucket: 'photos', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
});
