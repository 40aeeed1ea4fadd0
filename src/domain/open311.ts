import { CATEGORIES, type CategoryId } from './categories.js';
import { DomainError } from './errors.js';
import type { IncidentState } from './incident-transitions.js';

/**
 * Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) in our terms: our categories are its
 * services, our states fold onto its two, and a request carries what the spec lets a client send.
 */

/** A GeoReport v2 service: one of our categories. None has extra attributes (`metadata` false). */
export interface Open311Service {
  service_code: CategoryId;
  service_name: string;
  description: string;
  metadata: false;
  type: 'realtime';
  keywords: string;
  group: string;
}

export const OPEN311_SERVICES: readonly Open311Service[] = CATEGORIES.map((c) => ({
  service_code: c.id,
  service_name: c.label,
  description: `${c.label} (${c.id.replace(/_/g, ' ')})`,
  metadata: false,
  type: 'realtime',
  keywords: c.id.replace(/_/g, ','),
  group: 'grid governance',
}));

export type Open311Status = 'open' | 'closed';

/**
 * Our states on Open311's two: open until the work is done (resolved onwards, or refused).
 * `notes` is the `status_notes` a client system shows its citizen.
 */
export const OPEN311_STATUS: Readonly<Record<IncidentState, { status: Open311Status; notes: string }>> = Object.freeze({
  reported: { status: 'open', notes: 'Received; waiting for the grid centre to accept it.' },
  escalated: { status: 'open', notes: 'Escalated to the grid level above.' },
  accepted: { status: 'open', notes: 'Accepted by the grid centre.' },
  dispatched: { status: 'open', notes: 'Dispatched for handling.' },
  in_progress: { status: 'open', notes: 'Being handled.' },
  returned: { status: 'open', notes: 'Returned by the handler; back in the centre’s queue.' },
  resolved: { status: 'closed', notes: 'Resolved; waiting for verification.' },
  verified: { status: 'closed', notes: 'Resolved and verified.' },
  handled: { status: 'closed', notes: 'Handled on the spot.' },
  closed: { status: 'closed', notes: 'Closed.' },
  rejected: { status: 'closed', notes: 'Not accepted: not a matter for the grid.' },
});

/** The states behind an Open311 status filter. */
export const statesOf = (status: Open311Status): IncidentState[] =>
  (Object.keys(OPEN311_STATUS) as IncidentState[]).filter((s) => OPEN311_STATUS[s].status === status);

export const isOpen311Status = (value: string): value is Open311Status => value === 'open' || value === 'closed';

/** Words of an address that could be grid codes (`XHG-B03-C07-M12`), longest first. */
export function gridCodeCandidates(address: string): string[] {
  const words = address.normalize('NFKC').match(/[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*/g) ?? [];
  return [...new Set(words.map((w) => w.toUpperCase()))].sort((a, b) => b.length - a.length);
}

/** The grid code of the longest configured address text contained in `address`, if any. */
export function mappedGridCode(address: string, map: Readonly<Record<string, string>>): string | null {
  const text = address.normalize('NFKC');
  const hit = Object.keys(map)
    .filter((k) => k && text.includes(k.normalize('NFKC')))
    .sort((a, b) => b.length - a.length)[0];
  return hit === undefined ? null : map[hit]!;
}

/** A point as the spec sends it (WGS84 decimal degrees); null when neither is given. */
export function parsePoint(lat: string | undefined, long: string | undefined): { lat: number; long: number } | null {
  if (lat === undefined && long === undefined) return null;
  const la = Number(lat);
  const lo = Number(long);
  if (lat === undefined || long === undefined || !Number.isFinite(la) || !Number.isFinite(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180) {
    throw new DomainError('BAD_USER_INPUT', 'lat and long must be given together as WGS84 decimal degrees');
  }
  return { lat: la, long: lo };
}

/** An incident's location text from the request: the address, then `@lat,long`. */
export const formatLocation = (address: string | null, point: { lat: number; long: number } | null): string | null =>
  [address, point ? `@${point.lat},${point.long}` : null].filter(Boolean).join(' ') || null;

/** The address and point back from a location written by `formatLocation`. */
export function parseLocation(location: string | null | undefined): { address: string | null; lat: number | null; long: number | null } {
  const m = /^(.*?)\s*(?:@(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?))?$/s.exec(location ?? '');
  return { address: m?.[1] || null, lat: m?.[3] ? Number(m[2]) : null, long: m?.[3] ? Number(m[3]) : null };
}

const MEDIA_LINE = /\n\nmedia_url: (https?:\/\/\S+)$/;

/** A request's description with its media URL kept on a last line of its own. */
export const withMediaUrl = (description: string, mediaUrl: string | null): string => (mediaUrl ? `${description}\n\nmedia_url: ${mediaUrl}` : description);

/** The description and media URL back from `withMediaUrl`. */
export function splitMediaUrl(text: string): { description: string; mediaUrl: string | null } {
  const m = MEDIA_LINE.exec(text);
  return m ? { description: text.slice(0, m.index), mediaUrl: m[1]! } : { description: text, mediaUrl: null };
}

/** A media URL must be an absolute http(s) URL without spaces. */
export function checkMediaUrl(url: string | undefined): string | null {
  if (url === undefined || url === '') return null;
  if (!/^https?:\/\/\S{1,1000}$/.test(url)) throw new DomainError('BAD_USER_INPUT', 'media_url must be an http(s) URL');
  return url;
}

/** The spec's default window for GET requests.json without dates, and its cap on results. */
export const OPEN311_DEFAULT_DAYS = 90;
export const OPEN311_MAX_RESULTS = 1000;

/** A W3C date-time parameter (start_date, end_date); null when absent. */
export function parseDateParam(value: string | undefined, name: string): Date | null {
  if (value === undefined || value === '') return null;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new DomainError('BAD_USER_INPUT', `${name} must be a W3C date-time like 2026-11-22T10:00:00+08:00`);
  return d;
}
