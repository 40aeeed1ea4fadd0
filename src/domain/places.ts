import { DomainError } from './errors.js';
import { storableText } from './text.js';

/**
 * A place as a WeChat location message gives it (Wechaty's LocationPayload): the point's name
 * (a building, a shop), its address, and WGS-84-like coordinates as the phone reported them.
 */
export interface Place {
  readonly name: string | null;
  readonly address: string | null;
  readonly latitude: number;
  readonly longitude: number;
}

/** A place as a caller gives it, before {@link checkPlace}. */
export interface RawPlace {
  readonly name?: string | null;
  readonly address?: string | null;
  readonly latitude: number;
  readonly longitude: number;
}

const MAX_PLACE_TEXT = 200;

const clean = (text: string | null | undefined): string | null => {
  // A puppet's place texts go into jsonb and text columns: no NUL, no lone surrogates.
  const t = storableText(text ?? '').trim();
  return t ? t.slice(0, MAX_PLACE_TEXT) : null;
};

/** Checks coordinates (finite, latitude ±90, longitude ±180) and trims the texts; refuses with BAD_USER_INPUT. */
export function checkPlace(p: RawPlace): Place {
  // Some puppets hand coordinates over as strings.
  const latitude = Number(p.latitude);
  const longitude = Number(p.longitude);
  if (!Number.isFinite(latitude) || Math.abs(latitude) > 90 || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
    throw new DomainError('BAD_USER_INPUT', 'latitude must be within ±90 and longitude within ±180', { reason: 'BAD_COORDINATES', latitude, longitude });
  }
  return { name: clean(p.name), address: clean(p.address), latitude, longitude };
}

/** What the incident's `location` text says of a place: its name, else its address, else null. */
export const placeLabel = (p: Place): string | null => p.name ?? p.address;

/** The timeline note of a `locate` step: `name address @lat,long` (the form Open311 locations take too). */
export const placeNote = (p: Place): string => `${[p.name, p.address].filter(Boolean).join(' ')} @${p.latitude},${p.longitude}`.trim();
