#!/usr/bin/env bash
# Drill: PostgreSQL restarts in the middle of `packagegrid fetch --all`.
# Expect: the run neither hangs nor crashes; packages whose results could not be written
# meanwhile are counted as failed ("database_unavailable") and the run finishes; a second
# run fetches them (nothing was put in backoff). GitHub and PyPI are the local fake APIs
# (packagegrid.benchmarks.fake_providers) with FETCH_LATENCY seconds per request, so the
# run lasts about 20 s; an empty database gets PACKAGES packages from `benchdata`.
source "$(dirname "$0")/common.sh"
PACKAGES="${PACKAGES:-300}"
FETCH_LATENCY="${FETCH_LATENCY:-0.1}"
FAKE_PID=""
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; stop_serving' EXIT

$BIN/packagegrid migrate --noinput -v0
count() { $BIN/packagegrid shell -v 0 --no-imports -c "$1"; }
if [ "$(count 'from packagegrid.catalog.models import Package; print(Package.objects.count())')" = 0 ]; then
    $BIN/packagegrid benchdata --packages "$PACKAGES" --grids 10 --users 10 >/dev/null
fi

$BIN/python -m packagegrid.benchmarks.fake_providers --latency "$FETCH_LATENCY" > "$LOG_DIR/fake-providers.url" &
FAKE_PID=$!
for _ in $(seq 50); do [ -s "$LOG_DIR/fake-providers.url" ] && break; sleep 0.1; done
FAKE_URL=$(head -1 "$LOG_DIR/fake-providers.url")
# Only the faked sources: nothing leaves this machine.
export GITHUB_API_URL="$FAKE_URL" PYPI_URL="$FAKE_URL" GITHUB_TOKEN=""
fetch() {  # fetch LOG: one `fetch --all`, killed (exit 124) if it runs over 5 minutes
    local started rc=0
    started=$(date +%s.%N)
    timeout 300 $BIN/packagegrid fetch --all --source github --source pypi > "$1" 2>&1 || rc=$?
    echo "exit $rc after $(echo "$(date +%s.%N) - $started" | bc) s$([ "$rc" = 124 ] && echo ' (HUNG)')"
}

echo "packages: $(count 'from packagegrid.catalog.models import Package; print(Package.objects.count())')"
fetch "$LOG_DIR/fetch-during-restart.txt" > "$LOG_DIR/fetch-during-restart.rc" &
fetch_pid=$!
sleep "${RESTART_AFTER:-7}"
started=$(date +%s.%N)
pg_restart
pg_wait
echo "PostgreSQL down for $(echo "$(date +%s.%N) - $started" | bc) s (restart command to ready)"
wait "$fetch_pid"
echo "first run: $(cat "$LOG_DIR/fetch-during-restart.rc")"
grep -E "^(packages|fetched|unchanged|failed|skipped|elapsed)" "$LOG_DIR/fetch-during-restart.txt" || true
echo "tracebacks: $(grep -c 'Traceback' "$LOG_DIR/fetch-during-restart.txt" || true)"
echo "packages logged as not stored: $(grep -c 'Cannot store the results' "$LOG_DIR/fetch-during-restart.txt" || true)"
echo "second run: $(fetch "$LOG_DIR/fetch-after-restart.txt")"
grep -E "^(packages|fetched|unchanged|failed|skipped|elapsed)" "$LOG_DIR/fetch-after-restart.txt" || true
echo "tracebacks: $(grep -c 'Traceback' "$LOG_DIR/fetch-after-restart.txt" || true)"
