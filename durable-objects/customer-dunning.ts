// CustomerDunning: will hold a customer's dunning state and its cadence alarm (automated dunning). The binding and SQLite migration are declared now so that the
// capability plugs in without a storage migration; the class has no behaviour yet.
import { DurableObject } from "cloudflare:workers";

export class CustomerDunning extends DurableObject<Env> {}
