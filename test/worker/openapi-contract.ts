// Every response an API test receives must be one the OpenAPI document describes: the checker in
// scripts/contract/openapi-contract.ts, fed the document this Worker serves.
import { exports } from "cloudflare:workers";
import { contractChecker, type ContractCheck } from "../../scripts/contract/openapi-contract.ts";

let checker: Promise<ContractCheck> | undefined;

async function loadChecker(): Promise<ContractCheck> {
  const res = await exports.default.fetch(new Request("http://ledgerline.test/openapi.json"));
  return contractChecker(await res.json());
}

/** Throws, naming the operation and what is wrong, unless `res` is what the document promises. */
export async function assertMatchesContract(method: string, url: string, res: Response): Promise<void> {
  await (await (checker ??= loadChecker()))(method, url, res);
}
