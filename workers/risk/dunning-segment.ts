// Statements that apply the risk model's dunning segments after a training run (the decision
// is workers/domain/risk/dunning-segment.ts): they join the run's one batch, so scores and
// segments never disagree. Each statement re-checks the source in SQL, so a segment staff set
// by hand between the load and the batch is still never overridden.
import { and, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import type { Statement } from "../db/batch.ts";
import { statementsInChunks } from "../db/chunks.ts";
import type { Db } from "../db/client.ts";
import { customerDunningProfiles } from "../db/schema/dunning.ts";
import { HIGH_RISK_SEGMENT, type ProfileSegment, type RiskSegmentChanges } from "../domain/risk/dunning-segment.ts";

/** Every profile of the franchise with a dunning segment set (by staff or by risk). */
export async function profilesWithSegment(db: Db, franchiseId: string): Promise<ProfileSegment[]> {
  const rows = await db
    .select({ customerId: customerDunningProfiles.customerId, segment: customerDunningProfiles.segment, segmentSource: customerDunningProfiles.segmentSource })
    .from(customerDunningProfiles)
    .where(and(eq(customerDunningProfiles.franchiseId, franchiseId), isNotNull(customerDunningProfiles.segmentSource)))
    .all();
  return rows.map((r) => ({ customerId: r.customerId, segment: r.segment, segmentSource: r.segmentSource as ProfileSegment["segmentSource"] }));
}

export function riskSegmentStatements(db: Db, franchiseId: string, changes: RiskSegmentChanges, now: string): Statement[] {
  const notByHand = or(isNull(customerDunningProfiles.segmentSource), eq(customerDunningProfiles.segmentSource, "risk"));
  const enter = statementsInChunks(
    changes.enter.map((customerId) => ({
      customerId,
      franchiseId,
      preferredChannels: "[]",
      segment: HIGH_RISK_SEGMENT,
      segmentSource: "risk",
      segmentSetAt: now,
      updatedAt: now,
    })),
    (chunk) =>
      db
        .insert(customerDunningProfiles)
        .values(chunk)
        .onConflictDoUpdate({
          target: customerDunningProfiles.customerId,
          set: { segment: HIGH_RISK_SEGMENT, segmentSource: "risk", segmentSetAt: now, updatedAt: now },
          setWhere: and(eq(customerDunningProfiles.franchiseId, franchiseId), notByHand),
        }),
  );
  const leave = statementsInChunks(changes.leave, (chunk) =>
    db
      .update(customerDunningProfiles)
      .set({ segment: null, segmentSource: null, segmentSetAt: now, updatedAt: now })
      .where(
        and(
          eq(customerDunningProfiles.franchiseId, franchiseId),
          eq(customerDunningProfiles.segmentSource, "risk"),
          inArray(customerDunningProfiles.customerId, chunk),
        ),
      ),
  );
  return [...enter, ...leave];
}
