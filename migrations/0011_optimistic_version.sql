-- A row read without a lock and written in the same statement as everything else its transaction
-- wrote (a fan's message threading onto a ticket: see src/modules/tickets/cache.ts) is updated
-- `WHERE … AND usher_expect_version(version, <the version read>, …)`. A row changed since raises
-- serialization_failure (40001): the whole statement — the message, its activities, its clocks — is
-- undone, and the caller runs the transaction again on the row as it is now. COST 1000 makes the
-- planner test the row's key first, so the function only ever sees the row meant.
CREATE OR REPLACE FUNCTION usher_expect_version(current_version integer, expected_version integer, what text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE COST 1000
AS $$
BEGIN
  IF current_version IS DISTINCT FROM expected_version THEN
    RAISE EXCEPTION '% changed concurrently (read at version %, now %)', what, expected_version, current_version
      USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN true;
END
$$;
