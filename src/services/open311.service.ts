import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { isCategoryId } from '../domain/categories.js';
import { normalizeCode } from '../domain/codes.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import {
  checkMediaUrl,
  formatLocation,
  gridCodeCandidates,
  isOpen311Status,
  mappedGridCode,
  OPEN311_DEFAULT_DAYS,
  OPEN311_MAX_RESULTS,
  OPEN311_SERVICES,
  OPEN311_STATUS,
  parseDateParam,
  parseLocation,
  parsePoint,
  splitMediaUrl,
  statesOf,
  withMediaUrl,
  type Open311Service as Open311ServiceDefinition,
} from '../domain/open311.js';
import { Open311Repository, type Open311Row } from '../repositories/open311.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';
import type { IncidentService } from './incident.service.js';

/** Request parameters as a client sends them (form fields or query string), all optional strings. */
export type Open311Params = Readonly<Record<string, string | undefined>>;

/** A GeoReport v2 service request, keys in the spec's order. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string;
  address_id: string;
  zipcode: string;
  lat: number | string;
  long: number | string;
  media_url: string;
}

/** The answer to POST requests: the id at once (reports are filed synchronously) and the token. */
export interface Open311Created {
  service_request_id: string;
  token: string;
  service_notice: string;
  account_id: string;
}

/** Source keys of Open311 reports: the request token after this prefix. */
const SOURCE_PREFIX = 'open311:';
/** Words of an address tried as grid codes, at most. */
const MAX_CANDIDATES = 8;
const DAY_MS = 86_400_000;

/**
 * Open311 GeoReport v2 on our incidents. The caller's API key is a GridHub token: its subtree
 * bounds what it may file and read. Reports go through IncidentService.report like the bot's
 * and GraphQL's.
 */
export class Open311Service {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
    private readonly incidents: IncidentService,
  ) {}

  services(): readonly Open311ServiceDefinition[] {
    return OPEN311_SERVICES;
  }

  /** Files a citizen's report from another system as an incident. */
  async submit(actor: Actor, p: Open311Params): Promise<Open311Created> {
    const serviceCode = p['service_code']?.trim();
    if (!serviceCode) throw new DomainError('BAD_USER_INPUT', 'service_code is required');
    if (!isCategoryId(serviceCode)) throw new DomainError('NOT_FOUND', `service_code ${serviceCode} not found; see services.json`);
    const point = parsePoint(p['lat'], p['long']);
    const address = p['address_string']?.trim() || null;
    if (!point && !address) throw new DomainError('BAD_USER_INPUT', 'a location is required: lat and long, or address_string');
    const description = p['description']?.trim();
    if (!description) throw new DomainError('BAD_USER_INPUT', 'description is required');
    const mediaUrl = checkMediaUrl(p['media_url']);
    const grid = await this.gridFor(actor, address);
    const token = randomUUID();
    const incident = await this.incidents.report(actor, {
      grid,
      description: withMediaUrl(description, mediaUrl),
      category: serviceCode,
      location: formatLocation(address, point),
      sourceKey: `${SOURCE_PREFIX}${token}`,
    });
    return { service_request_id: incident.code, token, service_notice: `Filed in grid ${grid}`, account_id: '' };
  }

  /** Requests by time window (default the last 90 days) and filters, or by a list of ids. */
  async list(actor: Actor, p: Open311Params): Promise<Open311Request[]> {
    const repo = new Open311Repository(this.deps.em);
    const ids = p['service_request_id']?.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids?.length) return (await repo.byCodes(actor.path, ids.map((id) => normalizeCode(id) ?? id))).map((r) => this.toRequest(r));
    const now = this.deps.clock.now();
    const start = parseDateParam(p['start_date'], 'start_date');
    const end = parseDateParam(p['end_date'], 'end_date');
    const to = end ?? (start ? new Date(start.getTime() + OPEN311_DEFAULT_DAYS * DAY_MS) : now);
    const from = start ?? new Date(to.getTime() - OPEN311_DEFAULT_DAYS * DAY_MS);
    if (!(from.getTime() < to.getTime())) throw new DomainError('BAD_USER_INPUT', 'start_date must be before end_date');
    const status = p['status']?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const bad = status.filter((s) => !isOpen311Status(s));
    if (bad.length) throw new DomainError('BAD_USER_INPUT', `status must be open or closed, not ${bad.join(', ')}`);
    const codes = p['service_code']?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const rows = await repo.window({
      path: actor.path,
      from,
      to,
      states: status.length ? status.flatMap((s) => statesOf(s as 'open' | 'closed')) : null,
      categories: codes.length ? codes : null,
      codes: null,
      limit: OPEN311_MAX_RESULTS,
    });
    return rows.map((r) => this.toRequest(r));
  }

  /** One request by its id (our incident code), or NOT_FOUND. */
  async get(actor: Actor, id: string): Promise<Open311Request> {
    const code = normalizeCode(id);
    const [row] = code ? await new Open311Repository(this.deps.em).byCodes(actor.path, [code]) : [];
    if (!row) throw new DomainError('NOT_FOUND', `service request ${id} not found`);
    return this.toRequest(row);
  }

  /** The id behind a request token (GET tokens/<token>). */
  async token(actor: Actor, token: string): Promise<{ service_request_id: string; token: string }> {
    const row = await new Open311Repository(this.deps.em).bySourceKey(actor.path, `${SOURCE_PREFIX}${token}`);
    if (!row) throw new DomainError('NOT_FOUND', `token ${token} not found`);
    return { service_request_id: row.code, token };
  }

  /**
   * The grid of a request: a grid code written in the address (inside the key's subtree), else
   * the configured address mapping, else, for a point without an address, the key's own grid.
   */
  private async gridFor(actor: Actor, address: string | null): Promise<string> {
    if (address) {
      for (const code of gridCodeCandidates(address).slice(0, MAX_CANDIDATES)) {
        try {
          return (await this.grids.ref(actor, code)).code;
        } catch (err) {
          if (!isDomainError(err) || err.code !== 'NOT_FOUND') throw err;
        }
      }
      const mapped = mappedGridCode(address, this.deps.config.open311AddressMap);
      if (mapped) return (await this.grids.ref(actor, mapped)).code;
    } else if (actor.gridCode) {
      return actor.gridCode;
    }
    throw new DomainError('BAD_USER_INPUT', 'address_string must name a grid code of your scope or a configured address');
  }

  private toRequest(r: Open311Row): Open311Request {
    const state = OPEN311_STATUS[r.status];
    const { description, mediaUrl } = splitMediaUrl(r.description);
    const where = parseLocation(r.location);
    const service = OPEN311_SERVICES.find((s) => s.service_code === r.category);
    return {
      service_request_id: r.code,
      status: state.status,
      status_notes: state.notes,
      service_name: service?.service_name ?? r.category,
      service_code: r.category,
      description,
      agency_responsible: r.department_name ?? `Grid ${r.grid_code}`,
      service_notice: '',
      requested_datetime: new Date(r.created_at).toISOString(),
      updated_datetime: new Date(r.updated_at).toISOString(),
      expected_datetime: new Date(r.deadline_at).toISOString(),
      address: where.address ?? '',
      address_id: r.grid_code,
      zipcode: '',
      lat: where.lat ?? '',
      long: where.long ?? '',
      media_url: mediaUrl ?? '',
    };
  }
}
