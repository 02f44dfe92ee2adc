# Shared by the drills: serve the site with gunicorn on a database, measure, clean up.
# Source it; it needs DATABASE_URL (a migrated database with data) and runs from the
# repository root. Every drill restarts what it stopped with the commands of .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=.venv/bin
: "${DATABASE_URL:?set DATABASE_URL to a migrated database with data (packagegrid benchdata)}"
export DEBUG=0 SECRET_KEY="${SECRET_KEY:-drill-$(date +%s)-$$}" ALLOWED_HOSTS=127.0.0.1,localhost
export PYTHONUNBUFFERED=1
PORT="${PORT:-8791}"
BASE="http://127.0.0.1:$PORT"
LOG_DIR="${LOG_DIR:-bench-results/drills}"
mkdir -p "$LOG_DIR"
GUNICORN_PID=""

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_restart() {  # the cluster's own restart, as an operator would run it
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main restart
}

pg_wait() { for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && return 0; sleep 0.2; done; pg_isready -h 127.0.0.1; }

redis_start() {  # exactly .ci/run's command
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 0.2; done
    redis-cli -h 127.0.0.1 ping
}

serve() {  # gunicorn with 4 sync workers, as README's production section
    $BIN/packagegrid collectstatic --noinput -v0
    $BIN/gunicorn packagegrid.wsgi -w 4 -b "127.0.0.1:$PORT" --timeout 30 --graceful-timeout 5 \
        --no-control-socket --error-logfile "$LOG_DIR/gunicorn-$1.log" &
    GUNICORN_PID=$!
    for _ in $(seq 100); do curl -fs -o /dev/null "$BASE/health/" && return 0; sleep 0.2; done
    echo "gunicorn did not start; see $LOG_DIR/gunicorn-$1.log" >&2
    return 1
}

stop_serving() { [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true; }
trap stop_serving EXIT

# status PATH: the HTTP status of one GET (000 when there was no answer within 15 s).
status() { curl -s -o /dev/null -m 15 -w '%{http_code}' "$BASE$1"; }

# leaks PATH: "traceback" when an error page shows a Python traceback.
leaks() { curl -s -m 15 "$BASE$1" | grep -qiE 'Traceback|File "/' && echo traceback || echo clean; }

first_package() {
    $BIN/packagegrid shell -v 0 --no-imports -c 'from packagegrid.catalog.models import Package; print(Package.objects.order_by("id").values_list("slug", flat=True).first())'
}
