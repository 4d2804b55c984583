-- Trigram indexes behind the UI's search (names, tags, template text: `ILIKE '%term%'`), which
-- otherwise reads every prompt and every latest version's text. pg_trgm ships with PostgreSQL and
-- is a trusted extension (a database owner may create it); PGlite loads it as a bundled extension.
-- Where it cannot be created (no privilege, a build without contrib), search still works by scan:
-- the indexes are skipped with a notice rather than failing the start. The operator class is
-- qualified by the extension's schema, so a search_path that does not include it still resolves.
DO $$
DECLARE
  trgm text;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%): search runs without trigram indexes', SQLERRM;
  END;
  SELECT n.nspname INTO trgm
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
  IF trgm IS NOT NULL THEN
    EXECUTE format('CREATE INDEX IF NOT EXISTS prompts_name_trgm ON prompts USING gin (name %I.gin_trgm_ops)', trgm);
    EXECUTE format('CREATE INDEX IF NOT EXISTS prompts_tags_trgm ON prompts USING gin ((tags::text) %I.gin_trgm_ops)', trgm);
    EXECUTE format(
      'CREATE INDEX IF NOT EXISTS versions_text_trgm ON versions USING gin ((messages::text || coalesce(content::text, %L)) %I.gin_trgm_ops)',
      '', trgm);
  END IF;
END
$$;
