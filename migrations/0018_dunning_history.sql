-- Communications are evidence (dispute files, consent proofs): never changed, never deleted.
CREATE TRIGGER communications_no_update BEFORE UPDATE ON communications
BEGIN
  SELECT RAISE(ABORT, 'communications_append_only');
END;
--> statement-breakpoint
CREATE TRIGGER communications_no_delete BEFORE DELETE ON communications
BEGIN
  SELECT RAISE(ABORT, 'communications_append_only');
END;
--> statement-breakpoint
-- A cadence version, once written, is what running sequences rely on.
CREATE TRIGGER dunning_cadence_versions_immutable BEFORE UPDATE ON dunning_cadence_versions
BEGIN
  SELECT RAISE(ABORT, 'cadence_version_immutable');
END;
