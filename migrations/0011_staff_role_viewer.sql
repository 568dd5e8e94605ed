-- The old read-only "staff" role becomes "viewer" (same rights: read, no write).
UPDATE staff_users SET role = 'viewer' WHERE role = 'staff';
--> statement-breakpoint
-- A branch assignment joins a user and a branch of the same franchise, never across tenants.
CREATE TRIGGER staff_branch_assignments_same_franchise
BEFORE INSERT ON staff_branch_assignments
WHEN NOT EXISTS (SELECT 1 FROM staff_users WHERE id = NEW.staff_user_id AND franchise_id = NEW.franchise_id)
  OR NOT EXISTS (SELECT 1 FROM branches WHERE id = NEW.branch_id AND franchise_id = NEW.franchise_id)
BEGIN
  SELECT RAISE(ABORT, 'staff_branch_assignment_cross_franchise');
END;
