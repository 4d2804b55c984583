-- webhook_deliveries_due (next_attempt_at, pending rows) duplicated the leading use of
-- webhook_deliveries_endpoint_due (0009): every reader of due deliveries names the endpoint (the
-- claim, the sequencer's room count, enabling an endpoint) or asks whether any is due at all (the
-- claim's `more`), which the per-endpoint index answers as well. Each fan-out insert maintained it
-- for nothing (issue 17, w1).
DROP INDEX IF EXISTS "webhook_deliveries_due";
