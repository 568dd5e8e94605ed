import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import { directoryDatabase } from "../../db/resolver.ts";
import { staffSessions, staffUsers } from "../../db/schema.ts";
import { hashPassword, newSecretToken, SESSION_TOKEN_PREFIX, sha256Hex, verifyPassword } from "../../auth/secrets.ts";
import { HttpProblem } from "../problem.ts";
import { jsonRequestBody, jsonResponse, problemResponses } from "../resources/common.ts";
import type { AppContext } from "./route-context.ts";

export const SESSION_HOURS = 12;
// Verifying against a fixed hash when the email is unknown keeps response times alike, so the
// endpoint does not reveal which emails exist.
let decoyHash: Promise<string> | undefined;

export class StaffLogin extends OpenAPIRoute {
  schema = {
    tags: ["Staff"],
    summary: "Log a staff user in; the session token is a Bearer token for the dashboard",
    security: [],
    request: { body: jsonRequestBody(z.object({ email: z.email(), password: z.string().min(1).max(200) }).strict().meta({ id: "StaffLoginRequest" })) },
    responses: {
      "200": jsonResponse(
        z.object({ token: z.string(), expiresAt: z.string(), user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), franchiseId: z.string() }) }).meta({ id: "StaffSession" }),
        "Session created",
      ),
      ...problemResponses(400, 401, 413, 415),
    },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const db = database(directoryDatabase(c.env));
    const user = await db.select().from(staffUsers).where(eq(staffUsers.email, body.email.toLowerCase())).get();
    decoyHash ??= hashPassword("not-a-password");
    const valid = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash));
    // RFC 9110 §11.6.1: a 401 always names the scheme to use.
    if (!user || !valid) throw new HttpProblem(401, "invalid_credentials", "email or password is wrong", { headers: { "www-authenticate": 'Bearer realm="ledgerline"' } });
    const token = newSecretToken(SESSION_TOKEN_PREFIX);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
    await db.insert(staffSessions).values({ id: newId("ses"), franchiseId: user.franchiseId, staffUserId: user.id, tokenHash: await sha256Hex(token), createdAt: now.toISOString(), expiresAt });
    c.get("logger").info("staff login", { staffUserId: user.id, franchiseId: user.franchiseId });
    return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role, franchiseId: user.franchiseId } };
  }
}
