-- The daily retention job (RetentionJob): each batch finds its rows through one of these.
CREATE INDEX alert_resolved_at ON alert (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX notification_final_created_at ON notification (created_at)
    WHERE status IN ('SENT', 'FAILED', 'SUPPRESSED');
CREATE INDEX connectivity_event_done_at ON connectivity_event (at)
    WHERE relayed_at IS NOT NULL AND live_published_at IS NOT NULL;
