// Tenant isolation, GENERATED from /openapi.json: every documented operation is called with
// real ids of franchise A's resources by callers who must be refused: nobody, franchise B's key,
// A's read-only key (writes), a staff session of franchise B, and a non-admin staff of A
// (operations the document marks admin-only). A refusal is 401/403/404, leaves D1 untouched and,
// across tenants, is the same answer as for an id that exists nowhere. New routes are covered
// the day they appear; a route without an authentication rule that is not on the public
// allow-list fails here.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedTables, d1ContentFingerprint, type Fingerprint } from "./openapi-suites/d1-checksum.ts";
import { fetchOpenApi, isAdminOnly, type Operation, operationsOf } from "./openapi-suites/operations.ts";
import { PUBLIC_OPERATIONS } from "./openapi-suites/public-operations.ts";
import { type Answer, describeProbe, problemDefect, type Probe, send, validProbe } from "./openapi-suites/requests.ts";
import { idPrefixesIn, idPrefixOf } from "./openapi-suites/schema-example.ts";
import { A, aIdFor, B, buildWorld, endedSessions, randomIdFor, sessionFor, variantCount, type World } from "./openapi-suites/world.ts";

let operations: Operation[] = [];
let world: World;
const stats = { cases: 0, leaks: 0, branchCases: 0 };
/** Operations that answer `staff_admin_required` but whose security names no admin role. */
const undocumentedAdminOnly = new Set<string>();

beforeAll(async () => {
  operations = operationsOf(await fetchOpenApi());
  world = await buildWorld(operations);
}, 120_000);

afterAll(() => {
  console.log(`isolation: ${operations.length} operations, ${stats.cases} cases, ${stats.leaks} leaks`);
  console.log(`isolation across branches: ${stats.branchCases} cases as a branch manager of another branch`);
  if (undocumentedAdminOnly.size > 0) console.warn(`isolation: admin-only by their answers but not in the document (no admin role in security): ${[...undocumentedAdminOnly].join(", ")}`);
});

const REFUSED = new Set([401, 403, 404]);
const prefixesOf = (op: Operation) => idPrefixesIn([op.parameters.map((p) => p.schema), op.body?.schema]);
const addressesAResource = (op: Operation) => op.parameters.some((p) => p.in === "path" && idPrefixOf(p.schema));

/** Replaces the ids a request carried by `<prefix>` so answers to a real and a random id compare. */
function normalized(answer: Answer, ids: string[]): string {
  const { requestId: _r, instance: _i, ...rest } = answer.json ?? {};
  let text = JSON.stringify({ status: answer.status, ...rest });
  for (const id of ids) text = text.split(id).join(`<${id.split("_")[0]}>`);
  return text;
}

const idsIn = (probe: Probe, candidates: Iterable<string>) => [...candidates].filter((id) => probe.url.includes(id) || (typeof probe.body === "string" && probe.body.includes(id)));

interface Failure {
  op: string;
  caller: string;
  problem: string;
  leak: boolean;
}

describe("isolation generated from the OpenAPI document", () => {
  it("finds the operations to check", () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  it("every operation has an authentication rule or is on the public allow-list with a reason", () => {
    const unruled = operations.filter((op) => op.isPublic && !PUBLIC_OPERATIONS[op.key]).map((op) => op.key);
    expect(unruled, "operations with `security: []` that are not in test/worker/openapi-suites/public-operations.ts").toEqual([]);
    const documented = new Set(operations.map((op) => op.key));
    const stale = Object.entries(PUBLIC_OPERATIONS).filter(([key, p]) => !p.undocumented && !documented.has(key)).map(([key]) => key);
    expect(stale, "allow-listed operations that the document no longer has: remove them").toEqual([]);
    const notPublic = Object.keys(PUBLIC_OPERATIONS).filter((key) => documented.has(key) && !operations.find((op) => op.key === key)!.isPublic);
    expect(notPublic, "allow-listed operations that the document says need credentials: remove them").toEqual([]);
  });

  it("refuses everyone who is not the owner, and never reveals whether A's resource exists", async () => {
    const failures: Failure[] = [];
    let baseline: Fingerprint = await d1ContentFingerprint(env.DB);

    /** Sends one case; checks what holds for every answer; returns the answer. */
    async function attempt(op: Operation, caller: string, probe: Probe, mustRefuse: boolean): Promise<Answer> {
      const answer = await send(probe);
      const fail = (problem: string, leak = false) => failures.push({ op: op.key, caller, problem: `${problem} [${describeProbe(probe)}]`, leak });
      if (answer.status >= 500) fail(`answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      else if (answer.status === 405 || answer.json?.code === "route_not_found") fail(`answered ${answer.status} ${answer.json?.code ?? ""}: the documented operation is not routed`);
      else if (answer.status >= 400) {
        const defect = problemDefect(answer);
        if (defect) fail(defect);
        if (answer.status === 400 || answer.status === 413 || answer.status === 415) fail(`refused by validation (${answer.status} ${answer.json?.code}: ${answer.json?.detail}), not by authorization: fix the example generator`);
        else if (mustRefuse && !REFUSED.has(answer.status)) fail(`answered ${answer.status} ${answer.json?.code}; a refusal is 401, 403 or 404`);
      } else if (mustRefuse) fail(`answered ${answer.status}: ${answer.text.slice(0, 200)}`, true);

      const after = await d1ContentFingerprint(env.DB);
      if (answer.status >= 400) {
        const changed = changedTables(baseline, after);
        if (changed.length > 0) fail(`refused with ${answer.status} but changed D1 tables ${changed.join(", ")}`, true);
      }
      baseline = after;
      return answer;
    }

    /** The token for one case: a fresh session where the operation ends it (the login is not the case's write). */
    async function tokenFor(op: Operation, token: string | null): Promise<string | null> {
      const sent = await sessionFor(world, op, token);
      if (sent !== token) baseline = await d1ContentFingerprint(env.DB);
      return sent;
    }

    const endedBefore = new Set<string>();
    for (const op of operations) {
      if (op.isPublic) continue;
      for (let variant = 0; variant < variantCount(world, prefixesOf(op)); variant++) {
        const real = aIdFor(world, variant);
        const cases: Array<[caller: string, token: string | null]> = [["no credentials", null]];
        if (op.isWrite) cases.push(["A read-only key", A.readOnlyKey]);
        if (isAdminOnly(op)) cases.push(["A non-admin staff", world.sessions.aStaff]);
        for (const [caller, token] of cases) {
          stats.cases++;
          await attempt(op, caller, validProbe(op, real, await tokenFor(op, token)), true);
        }

        // Across tenants: the answer for A's real id must be the answer for an id that exists nowhere.
        let refusedAsNotAdmin = false;
        for (const [caller, token] of [["B key", B.key], ["B staff admin", world.sessions.bAdmin]] as const) {
          stats.cases++;
          const probe = validProbe(op, real, await tokenFor(op, token));
          const control = validProbe(op, randomIdFor(variant + 1), await tokenFor(op, token));
          const answer = await attempt(op, caller, probe, addressesAResource(op));
          if (answer.json?.code === "staff_admin_required") refusedAsNotAdmin = true;
          const controlAnswer = await attempt(op, `${caller} (control: random ids)`, control, addressesAResource(op));
          const seen = normalized(answer, idsIn(probe, world.allAIds));
          const expected = normalized(controlAnswer, idsIn(control, [control.url, control.body as string].join(" ").match(/\b[a-z]+_[0-9a-z]{26}\b/g) ?? []));
          if (answer.status < 300) {
            const leaked = [...world.allAIds].filter((id) => answer.text.includes(id));
            if (leaked.length > 0) failures.push({ op: op.key, caller, problem: `2xx answer holds franchise A ids ${leaked.join(", ")}`, leak: true });
            if (answer.status !== controlAnswer.status) failures.push({ op: op.key, caller, problem: `answered ${answer.status} for A's ids but ${controlAnswer.status} for random ids`, leak: true });
          } else if (seen !== expected) {
            failures.push({ op: op.key, caller, problem: `answer differs from the one for a random id: ${seen} vs ${expected}`, leak: true });
          }
        }
        // Across branches: a branch manager of Madrid addressing New York's invoice, credit note or
        // branch must be refused exactly as if it did not exist.
        const pathIds = new URL(validProbe(op, real, null).url, "http://x").pathname.match(/\b[a-z]+_[0-9a-z]{26}\b/g) ?? [];
        if (pathIds.some((id) => world.newYorkIds.has(id))) {
          stats.cases++;
          const caller = "A branch manager of another branch";
          const probe = validProbe(op, real, world.sessions.aManager);
          const control = validProbe(op, randomIdFor(variant + 1), world.sessions.aManager);
          const answer = await attempt(op, caller, probe, true);
          const controlAnswer = await attempt(op, `${caller} (control: random ids)`, control, true);
          const seen = normalized(answer, idsIn(probe, world.allAIds));
          const expected = normalized(controlAnswer, idsIn(control, [control.url, control.body as string].join(" ").match(/\b[a-z]+_[0-9a-z]{26}\b/g) ?? []));
          if (seen !== expected) failures.push({ op: op.key, caller, problem: `answer differs from the one for a random id: ${seen} vs ${expected}`, leak: true });
          stats.branchCases++;
        }
        // The operation says it is for staff admins only, though the document does not: A's non-admin staff must be refused too.
        if (refusedAsNotAdmin && !isAdminOnly(op)) {
          undocumentedAdminOnly.add(op.key);
          stats.cases++;
          await attempt(op, "A non-admin staff (admin-only by its answer to B's key)", validProbe(op, real, await tokenFor(op, world.sessions.aStaff)), true);
        }
      }
      // A shared session this operation ended would make every later case of its caller a 401 that proves nothing.
      const ended = (await endedSessions(world)).filter((who) => !endedBefore.has(who));
      for (const who of ended) endedBefore.add(who);
      if (ended.length > 0) failures.push({ op: op.key, caller: ended.join(", "), problem: "ended a shared staff session: list it in ENDS_CALLERS_SESSION (openapi-suites/world.ts)", leak: false });
      baseline = await d1ContentFingerprint(env.DB);
    }
    stats.leaks = new Set(failures.filter((f) => f.leak).map((f) => `${f.op}|${f.caller}|${f.problem}`)).size;
    expect(failures, failures.map((f) => `${f.op} as ${f.caller}: ${f.problem}`).join("\n")).toEqual([]);
  });

  // Last, because it changes A's state: proves the generated requests are valid, so the
  // refusals above were about who called, not about what was sent.
  it("lets the owner through with the same generated requests", async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      if (op.isPublic) continue;
      let answer = await send(validProbe(op, aIdFor(world, 0), A.key));
      if (answer.status === 401 || answer.status === 403) answer = await send(validProbe(op, aIdFor(world, 0), await sessionFor(world, op, world.sessions.aAdmin)));
      // 409/412/422/428 are business rules and preconditions: the request itself was understood.
      if (answer.status >= 500 || [400, 401, 403, 404, 405, 413, 415].includes(answer.status)) wrong.push(`${op.key}: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
    expect(wrong, "the owner was refused, so the generated request is not a valid one").toEqual([]);
  });
});
