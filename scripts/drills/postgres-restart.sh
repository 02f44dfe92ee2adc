#!/usr/bin/env bash
# Drill: PostgreSQL restarts while gunicorn serves 32 connections.
# Expect: requests during the outage fail fast (5xx, no traceback, no hung worker), and
# the site answers 200 again afterwards without restarting gunicorn.
source "$(dirname "$0")/common.sh"
serve postgres
slug=$(first_package)
wrk -t2 -c32 -d20s --timeout 10s --latency "$BASE/packages/p/$slug/" > "$LOG_DIR/wrk-postgres.txt" &
wrk_pid=$!
sleep 5
started=$(date +%s.%N)
pg_restart
pg_wait
echo "PostgreSQL down for $(echo "$(date +%s.%N) - $started" | bc) s (restart command to ready)"
wait "$wrk_pid"
grep -E "requests in|Non-2xx|Socket errors|Requests/sec|99%" "$LOG_DIR/wrk-postgres.txt" || true
echo "after the restart: / $(status /), package page $(status "/packages/p/$slug/"), health $(status /health/)"
echo "hung workers (WORKER TIMEOUT in the log): $(grep -c 'WORKER TIMEOUT' "$LOG_DIR/gunicorn-postgres.log" || true)"
echo "errors logged: $(grep -c 'OperationalError\|InterfaceError' "$LOG_DIR/gunicorn-postgres.log" || true)"
