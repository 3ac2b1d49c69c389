// The one shape of every error the service answers: `{"error":{"code":"…","message":"…"}}`, with
// `field` for a bad event (the `hush/event/*` codes of spec/runtime.md) and nothing else: no
// stack trace, no file path, no detail of why a token was refused. spec/service.md lists the codes.
import type { EventErrorDetail, StoreError } from '../index.ts';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; index?: number; line?: number };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** A bad event: its code, field and message, as the JSONL line format gives them. */
export function eventErrorBody(e: EventErrorDetail): ErrorBody {
  return { error: { code: e.code, field: e.field, message: e.message } };
}

/**
 * A store failure, told to the client by its code only: the store's own message names files and
 * addresses, which go to the log, not to whoever sent the event.
 */
export function storeErrorBody(e: StoreError): ErrorBody {
  return { error: { code: e.code, field: '', message: STORE_MESSAGES[e.code] ?? 'the state store failed; the event was not decided' } };
}

/** A durable decision log could not write the decision's line: decided, state changed, not answered as made. */
export function logFailedBody(): ErrorBody {
  return { error: { code: CODES.logFailed, field: '', message: 'the decision could not be written to the decision log; post the event again with the same id' } };
}

const STORE_MESSAGES: Record<string, string> = {
  'hush/store/unreachable': 'the state store is unreachable; the event was not decided',
  'hush/store/failed': 'the state store refused the operation; the event was not decided',
  'hush/store/corrupt': 'the state store is corrupt; no event is decided until it is repaired',
  'hush/store/version': 'the state store was written by a newer Hush; no event is decided',
  'hush/store/lost': 'the state store lost its state; no event is decided until the service is restarted',
};

/** The codes the service itself answers with (spec/service.md, "Errors"). */
export const CODES = {
  unauthorized: 'hush/auth/unauthorized',
  forbidden: 'hush/auth/forbidden',
  notFound: 'hush/http/not-found',
  bodyTooLarge: 'hush/http/body-too-large',
  tooManyEvents: 'hush/http/too-many-events',
  badRequest: 'hush/http/bad-request',
  internal: 'hush/internal',
  shuttingDown: 'hush/service/shutting-down',
  noPolicy: 'hush/service/no-policy',
  policyRefused: 'hush/service/policy-refused',
  notDecided: 'hush/service/not-decided',
  noTenant: 'hush/service/no-tenant',
  badTenant: 'hush/service/bad-tenant',
  tenantMismatch: 'hush/service/tenant-mismatch',
  unknownTenant: 'hush/service/unknown-tenant',
  logFailed: 'hush/service/log-failed',
} as const;
