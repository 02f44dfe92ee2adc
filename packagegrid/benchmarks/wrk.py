"""wrk's output, read: what the benchmark runner and the mixed-traffic row share."""

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
