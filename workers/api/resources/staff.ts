// Staff users as admins see them: never a password hash.
import { z } from "zod";
import { roleOf, STAFF_ROLES } from "../../auth/roles.ts";
import type { StaffUserWithBranches } from "../../db/staff.ts";
import { Id } from "./common.ts";

export const StaffRoleSchema = z
  .enum(STAFF_ROLES)
  .describe("admin: everything, including staff and API keys; finance: all branches, read and write; branch_manager: read and write within the assigned branches only; viewer: read-only")
  .meta({ id: "StaffRole" });

export const StaffUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: StaffRoleSchema,
    branchIds: z.array(z.string()).describe("branch_manager: the branches they may see and change; empty for every other role"),
    createdAt: z.string(),
    deactivatedAt: z.string().nullable().describe("set once deactivated: the user can no longer sign in and their sessions have ended"),
  })
  .meta({ id: "StaffUser" });

export const CreatedStaffUser = StaffUser.extend({
  initialPassword: z
    .string()
    .nullable()
    .describe("A one-time initial password, in the first response only (only its hash is stored); hand it to the user. An idempotent replay answers null with passwordShownOnce: true"),
  passwordShownOnce: z.boolean().optional().describe("true on a replayed creation: the password was shown once, to the first response"),
}).meta({ id: "CreatedStaffUser" });

const BranchIds = z.array(Id("br")).max(100).describe("branch_manager only (required for it): the branches the user may see and change");

export const CreateStaffUserBody = z
  .object({ email: z.email().max(254), name: z.string().trim().min(1).max(200), role: StaffRoleSchema, branchIds: BranchIds.optional() })
  .strict()
  .meta({ id: "CreateStaffUserRequest" });

export const UpdateStaffUserBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), role: StaffRoleSchema.optional(), branchIds: BranchIds.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.role !== undefined || b.branchIds !== undefined, "give at least one of name, role, branchIds")
  .meta({ id: "UpdateStaffUserRequest" });

export const staffUserResource = ({ user, branchIds }: StaffUserWithBranches): z.infer<typeof StaffUser> => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: roleOf(user.role),
  branchIds,
  createdAt: user.createdAt,
  deactivatedAt: user.deactivatedAt,
});
