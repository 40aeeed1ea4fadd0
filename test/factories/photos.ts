import { ADMIN, type Hub } from '../setup/hub';

const JPEG_HEAD = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01];

/** A small JPEG (by its signature) whose bytes, and so whose key, differ by `tag`. */
export const jpegOf = (tag: string | number): Uint8Array => new Uint8Array([...JPEG_HEAD, ...new TextEncoder().encode(`photo ${tag}`)]);

/** POST /photos as `token`: the raw response. */
export const postPhoto = (hub: Hub, token: string | null, body: Uint8Array): Promise<Response> =>
  fetch(hub.url.replace('/graphql', '/photos'), { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });

/** Uploads a photo as `token` (default the operator) and returns its key; throws when refused. */
export async function uploadPhoto(hub: Hub, token: string = ADMIN, body: Uint8Array = jpegOf(Math.random())): Promise<string> {
  const res = await postPhoto(hub, token, body);
  if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/** GET /photos/<key> as `token`: the raw response. */
export const getPhoto = (hub: Hub, token: string, key: string): Promise<Response> => fetch(`${hub.url.replace('/graphql', '')}/${key}`, { headers: { authorization: `Bearer ${token}` } });
