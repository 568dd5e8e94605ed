// The Hono environment: bindings plus what middleware puts on the context for handlers.
import type { Logger } from "./observability/logger.ts";
import type { Principal } from "./auth/principal.ts";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
    /** Raw request body, read once by the body middleware (for idempotency hashing). */
    bodyText: string;
  };
};
