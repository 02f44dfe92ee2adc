#!/usr/bin/env bash
# Drill: Redis (the cache and the rate limits' store) stops while the site serves.
# Expect: pages keep coming from the database; nothing answers 500.
source "$(dirname "$0")/common.sh"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/9}"
serve redis
slug=$(first_package)
paths=(/ "/packages/p/$slug/" /grids/ "/search/?q=django" /api/v4/packages/ /health/)
echo "before: $(for p in "${paths[@]}"; do printf '%s=%s ' "$p" "$(status "$p")"; done)"
started=$(date +%s)
redis-cli -h 127.0.0.1 shutdown nosave || true
echo "Redis down: $(for p in "${paths[@]}"; do printf '%s=%s ' "$p" "$(status "$p")"; done)"
echo "error page leaks: $(leaks /)"
redis_start
echo "Redis was down for $(( $(date +%s) - started )) s"
echo "after: $(for p in "${paths[@]}"; do printf '%s=%s ' "$p" "$(status "$p")"; done)"
echo "errors logged while down: $(grep -c 'ConnectionError' "$LOG_DIR/gunicorn-redis.log" || true)"
