-- Imports send change events (issue 17 × 16). An import copies a prompt's label history as it was
-- at the source: those rows describe the past and must not reach receivers as if `production` just
-- moved. The import sets the transaction-local `lectern.label_history_import` to 'on' around that
-- insert; the trigger's WHEN skips those rows without calling the function, and the import writes
-- one event per label for where it ends up instead (src/registry/outbox.ts importedPromptEvents).
-- Every other label_history insert (unset or 'off') sends its move as before.
CREATE OR REPLACE TRIGGER "label_history_outbox" AFTER INSERT ON "label_history" FOR EACH ROW
  WHEN (current_setting('lectern.label_history_import', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION lectern_outbox_from_label();
