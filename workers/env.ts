// The Hono environment: bindings plus what middleware puts on the context for handlers.
import type { Logger } from "./observability/logger.ts";
import type { Principal } from "./auth/principal.ts";
import type { IdempotencyClaim } from "./db/idempotency.ts";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
    /** Raw request body, read once by the body middleware (for idempotency hashing). */
    bodyText: string;
    /** The parsed JSON body (undefined when there is none), for canonical fingerprints. */
    bodyJson: unknown;
    /** The lease on this request's Idempotency-Key, if it sent one (workers/api/middleware/idempotency.ts). */
    idempotencyClaim: IdempotencyClaim | undefined;
    /** Set by a route whose response shows a secret once: it must never be stored for replay. */
    responseHoldsSecret: boolean | undefined;
  };
};
