"""wrk's output, read: what the benchmark runner and the mixed-traffic row share; and a
Lua script that counts the answers by status (`STATUS_SCRIPT`, read by `parse_statuses`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class WrkResult:
    """What one wrk run reports; latencies in milliseconds."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", re.MULTILINE)
_SOCKET = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE
)


def parse_wrk(output: str) -> WrkResult:
    """Read requests/s, p50/p99 latency, request and error counts from `wrk --latency`.

    Raises ValueError when the output lacks the throughput or the latency distribution
    (wrk failed, or ran without --latency).
    """
    rps = _RPS.search(output)
    total = _TOTAL.search(output)
    latencies = {
        percentile: float(value) * _UNIT_MS[unit]
        for percentile, value, unit in _LATENCY.findall(output)
    }
    if rps is None or total is None or set(latencies) != {"50", "99"}:
        raise ValueError(f"Not the output of `wrk --latency`:\n{output}")
    non_2xx = _NON_2XX.search(output)
    sockets = _SOCKET.search(output)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        p50_ms=round(latencies["50"], 3),
        p99_ms=round(latencies["99"], 3),
        requests=int(total.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


# A wrk script that counts answers by status in each thread and prints the totals at the
# end, one "Status <code>: <count>" line each (wrk's own output counts only non-2xx/3xx).
STATUS_SCRIPT = """\
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("Status %d: %d\\n", status, count))
  end
end
"""
_STATUS = re.compile(r"^Status (\d{3}): (\d+)$", re.MULTILINE)


def parse_statuses(output: str) -> dict[int, int]:
    """The count of answers per HTTP status that STATUS_SCRIPT printed.

    Raises ValueError when the output has no such line (the script did not run).
    """
    counts: dict[int, int] = {}
    for status, count in _STATUS.findall(output):
        counts[int(status)] = counts.get(int(status), 0) + int(count)
    if not counts:
        raise ValueError(f"No status counts in the output of wrk:\n{output}")
    return counts
