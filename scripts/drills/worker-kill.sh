#!/usr/bin/env bash
# Drill: a `packagegrid worker` is killed (-9) while it runs a task.
# Shows what django-tasks-db does with a task whose worker died: the row's status.
source "$(dirname "$0")/common.sh"
# A code host that accepts connections and never answers: the task blocks in a request.
python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 8792)); s.listen(64); time.sleep(60)' &
sink=$!
export GITHUB_API_URL=http://127.0.0.1:8792 PYPI_URL=http://127.0.0.1:8792 HTTP_TIMEOUT_SECONDS=30
slug=$(first_package)
task_id=$($BIN/packagegrid shell -v 0 --no-imports -c "
from packagegrid.catalog.models import Package
from packagegrid.fetchers.tasks import fetch_package
print(fetch_package.enqueue(Package.objects.get(slug='$slug').pk).id)")
echo "enqueued fetch_package for $slug: task $task_id"
$BIN/packagegrid worker --interval 0.2 > "$LOG_DIR/worker.log" 2>&1 &
worker=$!
sleep 4
show() { $BIN/packagegrid shell -v 0 --no-imports -c "
from django_tasks_db.models import DBTaskResult
r = DBTaskResult.objects.get(id='$task_id'); print(r.status, 'workers:', r.worker_ids)"; }
echo "while running: $(show)"
kill -9 "$worker"; wait "$worker" 2>/dev/null || true
echo "after kill -9: $(show)"
$BIN/packagegrid worker --batch --interval 0.2 >> "$LOG_DIR/worker.log" 2>&1
echo "after a new worker drained the queue: $(show)"
kill "$sink" 2>/dev/null || true
