import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OPERATOR, type Actor } from '../domain/actor.js';
import { isWithin } from '../domain/grid-levels.js';
import { DomainError } from '../domain/errors.js';
import { ROLE_LABELS, type Role } from '../domain/roles.js';
import { ApiTokenEntity } from '../entities/api-token.entity.js';
import type { GridEntity } from '../entities/grid.entity.js';
import { MemberEntity } from '../entities/member.entity.js';
import { TokenRepository } from '../repositories/token.repository.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import type { ServiceDeps } from './context.js';
import { assertMay, type GridService } from './grid.service.js';

/** Token format: `gh_<id>_<secret>`; only the SHA-256 of the whole string is stored. */
const TOKEN_PATTERN = /^gh_(\d{1,12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface MintTokenInput {
  role: Role;
  grid: string | null;
  member?: number | null;
  label?: string | null;
  /** Lifetime in hours; default from TOKEN_TTL_DAYS. */
  ttlHours?: number | null;
}

export interface MintedToken {
  token: string;
  entity: ApiTokenEntity;
}

/** Strips an optional `Bearer ` prefix (HTTP header or graphql-ws connectionParams). */
export const bearer = (header: unknown): string | null => {
  if (typeof header !== 'string') return null;
  const m = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
};

/** Mints, verifies and revokes bearer tokens scoped to a grid subtree. */
export class AuthService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  /**
   * The actor behind a bearer token. Missing, forged, expired or revoked tokens are
   * UNAUTHENTICATED; the reason stays in the log, not in the reply.
   */
  async authenticate(token: string | null): Promise<Actor> {
    if (!token) throw new DomainError('UNAUTHENTICATED', 'a bearer token is required');
    const admin = this.deps.config.adminToken;
    if (admin && token.length === admin.length && timingSafeEqual(Buffer.from(token), Buffer.from(admin))) return OPERATOR;
    if (!TOKEN_PATTERN.test(token)) throw new DomainError('UNAUTHENTICATED', 'invalid token');
    const row = await this.deps.em.findOne(ApiTokenEntity, { secretHash: sha256(token) }, { populate: ['grid'] });
    if (!row) throw new DomainError('UNAUTHENTICATED', 'invalid token');
    if (row.revokedAt) throw new DomainError('UNAUTHENTICATED', 'token revoked');
    if (row.expiresAt.getTime() <= this.deps.clock.now().getTime()) throw new DomainError('UNAUTHENTICATED', 'token expired');
    const grid = row.grid ?? null;
    return {
      role: row.role,
      path: grid ? grid.path : '',
      gridId: grid ? grid.id : null,
      gridCode: grid ? grid.code : null,
      memberId: row.member ? row.member.id : null,
      tokenId: row.id,
    };
  }

  /** Mints a token for a role at a grid inside the actor's subtree. The secret is returned once. */
  async mint(actor: Actor, input: MintTokenInput): Promise<MintedToken> {
    assertMay(actor, 'token.mint');
    if (input.role === 'admin' && actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'only the operator may mint admin tokens');
    let grid: GridEntity | null = null;
    if (input.grid) grid = await this.grids.get(actor, input.grid);
    else if (input.role !== 'admin' || actor.path !== '') throw new DomainError('BAD_USER_INPUT', `a ${input.role} token needs a grid`);
    const ttlHours = input.ttlHours ?? this.deps.config.tokenTtlDays * 24;
    if (!(ttlHours > 0 && ttlHours <= 24 * 3650)) throw new DomainError('BAD_USER_INPUT', 'ttlHours must be between 0 and 87600');
    let member: MemberEntity | null = null;
    if (input.member) {
      member = await this.deps.em.findOne(MemberEntity, { id: input.member }, { populate: ['grid'] });
      if (!member || !isWithin(member.grid.path, actor.path)) throw new DomainError('NOT_FOUND', `member ${input.member} not found in your scope`);
    }
    const entity = this.deps.em.create(ApiTokenEntity, {
      // Unique placeholder until the id is known; it can never match a presented token.
      secretHash: `pending-${randomBytes(24).toString('hex')}`,
      role: input.role,
      grid,
      member,
      label: input.label?.trim() || `${ROLE_LABELS[input.role]}${grid ? ` ${grid.code}` : ''}`,
      expiresAt: new Date(this.deps.clock.now().getTime() + ttlHours * 3_600_000),
    });
    await this.deps.em.flush();
    // The id is part of the token so support can name a token without knowing its secret.
    const token = `gh_${entity.id}_${randomBytes(32).toString('base64url')}`;
    entity.secretHash = sha256(token);
    await this.deps.em.flush();
    return { token, entity };
  }

  async revoke(actor: Actor, id: number): Promise<ApiTokenEntity> {
    assertMay(actor, 'token.revoke');
    const row = await this.deps.em.findOne(ApiTokenEntity, { id }, { populate: ['grid'] });
    if (!row || !isWithin(row.grid ? row.grid.path : '', actor.path)) throw new DomainError('NOT_FOUND', `token ${id} not found in your scope`);
    if (!row.revokedAt) {
      row.revokedAt = this.deps.clock.now();
      await this.deps.em.flush();
    }
    return row;
  }

  /** Tokens in the actor's subtree, optionally only those with `label` (exactly), newest first. Never their secrets. */
  async list(actor: Actor, label: string | null, first: number): Promise<ApiTokenEntity[]> {
    assertMay(actor, 'token.revoke');
    pageSize(first, PAGE_LIMITS.smallRows);
    return new TokenRepository(this.deps.em).list(actor.path, label?.trim() ?? null, first);
  }

  /**
   * Revokes every live token in the actor's subtree with this label (e.g. all of a lost
   * device's or a departed contractor's tokens at once); returns how many stopped working.
   */
  async revokeByLabel(actor: Actor, label: string): Promise<number> {
    assertMay(actor, 'token.revoke');
    const trimmed = label.trim();
    if (!trimmed) throw new DomainError('BAD_USER_INPUT', 'a label is required');
    const live = (await new TokenRepository(this.deps.em).list(actor.path, trimmed, null)).filter((t) => !t.revokedAt);
    const now = this.deps.clock.now();
    for (const row of live) row.revokedAt = now;
    await this.deps.em.flush();
    return live.length;
  }
}
