// RateLimiter: will hold a partner's exact request quota (scale and performance). The binding and SQLite migration are declared now so that the
// capability plugs in without a storage migration; the class has no behaviour yet.
import { DurableObject } from "cloudflare:workers";

export class RateLimiter extends DurableObject<Env> {}
