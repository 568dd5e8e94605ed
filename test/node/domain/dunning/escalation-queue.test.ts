import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ESCALATIONS } from "../../../../workers/domain/dunning/cadence.ts";
import { actionsOfQueue, ESCALATION_QUEUES, escalationActions, QUEUE_OF, queuesOf } from "../../../../workers/domain/dunning/escalation-queue.ts";

describe("escalation queues", () => {
  it("puts every action in exactly one desk's queue", () => {
    const all = ESCALATION_QUEUES.flatMap(actionsOfQueue);
    expect([...all].sort()).toEqual([...ESCALATIONS].sort());
    for (const a of ESCALATIONS) expect(actionsOfQueue(QUEUE_OF[a])).toContain(a);
    expect(queuesOf(["formal_notice", "notify_branch_manager"])).toEqual(["branch_manager", "collections"]);
    expect(queuesOf([])).toEqual([]);
  });

  it("reads back any stored comma-joined list of actions, dropping unknown words and repeats", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...ESCALATIONS), fc.string({ maxLength: 8 }).filter((s) => !s.includes(","))), { maxLength: 8 }), (words) => {
        const actions = escalationActions(words.join(","));
        expect(actions).toEqual([...new Set(words.map((w) => w.trim()))].filter((w) => (ESCALATIONS as readonly string[]).includes(w)));
        expect(new Set(queuesOf(actions))).toEqual(new Set(actions.map((a) => QUEUE_OF[a])));
      }),
    );
    expect(escalationActions(null)).toEqual([]);
  });
});
