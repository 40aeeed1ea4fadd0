import type express from 'express';
import { OPERATOR, type Actor } from '../domain/actor.js';
import { CAP_NAMESPACE } from '../domain/cap-alert.js';
import { DomainError, type DomainErrorCode } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { createScope } from '../scope.js';
import { bearer } from '../services/auth.service.js';
import { clientAuthenticate } from './client-auth.js';
import { failWith, routeFailure } from './route-errors.js';
import type { CapAlert } from '../services/cap.service.js';
import type { AppDeps } from '../services/context.js';
import { toXml } from './xml.js';

const STATUS: Partial<Record<DomainErrorCode, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, RATE_LIMITED: 429 };

const alertElement = (a: CapAlert) => ({ '@_xmlns': CAP_NAMESPACE, ...a });

/**
 * CAP 1.2 for instructions: GET /cap/feed.atom (the latest messages as an Atom feed, each entry
 * carrying its alert) and GET /cap/<I…>.xml (one instruction's current alert, or `?seq=n`).
 * A bearer token sees the instructions of its subtree; without one, the subtree of
 * CAP_PUBLIC_GRID when it is configured, else 401.
 */
export function capRoutes(app: express.Express, deps: AppDeps, log: Logger): void {
  const authenticate = clientAuthenticate(deps);
  const reader = async (req: express.Request): Promise<{ actor: Actor; scope: ReturnType<typeof createScope> }> => {
    const token = bearer(req.headers.authorization);
    const operator = createScope(deps, OPERATOR);
    const actor = token ? await authenticate(token, req.ip) : await operator.cap.publicReader(OPERATOR);
    return { actor, scope: createScope(deps, actor) };
  };
  const fail = (res: express.Response, err: unknown) => {
    const failure = routeFailure(err, STATUS);
    if (!failure) log.error({ err }, 'CAP request failed');
    const error = failure ? { code: failure.code, message: failure.message } : { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' };
    (failure ? failWith(res, failure) : res.status(500)).type('application/xml').send(toXml({ error }));
  };

  app.get('/cap/feed.atom', (req, res) => {
    reader(req)
      .then(async ({ actor, scope }) => {
        const alerts = await scope.cap.feed(actor);
        const self = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
        const feed = {
          feed: {
            '@_xmlns': 'http://www.w3.org/2005/Atom',
            id: `urn:gridhub:cap-feed:${actor.gridCode ?? 'all'}`,
            title: 'GridHub instructions (CAP 1.2)',
            updated: alerts[0]?.sent ?? new Date(0).toISOString(),
            author: { name: deps.config.cap.sender },
            link: { '@_rel': 'self', '@_href': `${self}/cap/feed.atom` },
            entry: alerts.map((a) => ({
              id: a.identifier,
              title: `${a.msgType}: ${a.info.headline}`,
              updated: a.sent,
              summary: a.info.description,
              link: { '@_rel': 'alternate', '@_type': 'application/cap+xml', '@_href': `${self}/cap/${codeOf(a)}.xml?seq=${seqOf(a)}` },
              content: { '@_type': 'application/cap+xml', alert: alertElement(a) },
            })),
          },
        };
        res.type('application/atom+xml').send(toXml(feed));
      })
      .catch((err: unknown) => fail(res, err));
  });

  app.get(/^\/cap\/([Ii]\d{8}-\d{1,6})\.xml$/, (req, res) => {
    const code = (req.params as Record<string, string>)['0']!;
    const seqParam = typeof req.query['seq'] === 'string' ? req.query['seq'] : null;
    reader(req)
      .then(async ({ actor, scope }) => {
        if (seqParam !== null && !/^\d{1,6}$/.test(seqParam)) throw new DomainError('BAD_USER_INPUT', 'seq must be a message number');
        const alert = await scope.cap.alert(actor, code, seqParam === null ? null : Number(seqParam));
        res.type('application/cap+xml').send(toXml({ alert: alertElement(alert) }));
      })
      .catch((err: unknown) => fail(res, err));
  });
}

/** `urn:gridhub:I…[:n]` → I… and n. */
const codeOf = (a: CapAlert) => a.identifier.split(':')[2]!;
const seqOf = (a: CapAlert) => Number(a.identifier.split(':')[3] ?? 0);
