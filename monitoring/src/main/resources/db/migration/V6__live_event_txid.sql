-- The transaction that wrote each live event (64-bit, no wraparound). A stream takes a snapshot
-- (pg_current_snapshot()) when it starts and sends exactly the events that snapshot does not see:
-- ids are handed out before commit, so "id > the highest id at start" both skips events that commit
-- late with a lower id and sends events that had committed before the stream started.
ALTER TABLE live_event ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
