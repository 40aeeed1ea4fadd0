import express from 'express';
import type { Actor } from '../domain/actor.js';
import { MAX_PHOTO_BYTES } from '../domain/photos.js';
import type { Logger } from '../infra/logger.js';
import { bearer } from '../services/auth.service.js';
import type { PhotoService } from '../services/photo.service.js';
import type { Authenticate } from './client-auth.js';
import { sendJsonError } from './route-errors.js';

export interface PhotoRouteOptions {
  photos: PhotoService;
  /** Resolves a bearer token to an actor, or throws a DomainError UNAUTHENTICATED (or RATE_LIMITED). */
  authenticate: Authenticate;
  log: Logger;
}

/**
 * POST /photos (raw bytes in, a storage key out, to pass to reportIncident/resolveIncident/
 * verifyIncident) and GET /photos/<key> (for tokens whose subtree holds an incident referring to
 * it, or its uploader before that), both for a bearer token's holder.
 */
export function photoRoutes(app: express.Express, opts: PhotoRouteOptions): void {
  const { photos, authenticate, log } = opts;
  const sendError = (res: express.Response, err: unknown) => sendJsonError(res, err, log, 'photo request failed');
  // Authenticate before reading a body, so nobody without a token makes us buffer 10 MB.
  const requireActor: express.RequestHandler = (req, res, next) => {
    authenticate(bearer(req.headers.authorization), req.ip).then(
      (actor) => {
        res.locals['actor'] = actor;
        next();
      },
      (err: unknown) => sendError(res, err),
    );
  };
  app.post('/photos', requireActor, express.raw({ type: () => true, limit: MAX_PHOTO_BYTES + 1 }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    photos.upload(res.locals['actor'] as Actor, body).then((stored) => res.status(201).json(stored), (err: unknown) => sendError(res, err));
  });
  app.get(/^\/(photos\/[0-9a-f]{64}\.(?:jpg|png|webp))$/, requireActor, (req, res) => {
    photos.download(res.locals['actor'] as Actor, (req.params as Record<string, string>)['0']!).then(({ bytes, type }) => res.type(type).send(Buffer.from(bytes)), (err: unknown) => sendError(res, err));
  });
  app.use('/photos', (err: { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'BAD_USER_INPUT', message: `the photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB` } });
      return;
    }
    next(err);
  });
}
