-- Which API wrote each version (native, cli, import, promptlayer, keywordsai, nemo, langfuse), set by
-- the registry's write command from the request. Rows written before this migration keep NULL:
-- "unknown" (nothing recorded it then, and guessing from the audit log would be a guess).
-- IF NOT EXISTS: a data directory that lost its record of this migration can run it again.
ALTER TABLE "versions" ADD COLUMN IF NOT EXISTS "written_via" text;
