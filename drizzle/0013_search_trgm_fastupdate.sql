-- The trigram indexes of 0007 without GIN's pending list (fastupdate). With fastupdate on, new rows
-- land in an unsorted pending list that only VACUUM or autovacuum merges into the index. PGlite has
-- no autovacuum: the list grows with every write until it reaches gin_pending_list_limit, each
-- search scans it linearly, and the planner, costing that scan, prefers a sequential scan of every
-- prompt and every version's text (at 10,000 prompts: ~40 ms of ILIKE per branch on PGlite against
-- ~1 ms from the index). On PostgreSQL a bulk load leaves the same list until autovacuum comes by.
-- Off, each insert updates the index itself (a little more work per version written) and the
-- index is always fully usable. gin_clean_pending_list merges what is pending now. Skipped where
-- 0007 could not create the indexes (no pg_trgm).
DO $$
DECLARE
  ix text;
BEGIN
  FOREACH ix IN ARRAY ARRAY['prompts_name_trgm', 'prompts_tags_trgm', 'versions_text_trgm'] LOOP
    IF to_regclass(ix) IS NOT NULL THEN
      EXECUTE format('ALTER INDEX %I SET (fastupdate = off)', ix);
      PERFORM gin_clean_pending_list(to_regclass(ix));
    END IF;
  END LOOP;
END
$$;
