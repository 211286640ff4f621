"""Requests per second through gunicorn, several servers measured side by side.

Each server is gunicorn with the shipped settings (ropa/gunicorn.py) on its own port, its
database reached one way (``BENCH_CONNECTIONS`` / ``BENCH_BINDING`` of bench/settings.py,
``BENCH_PREPARED`` of bench/wsgi.py). The loads run in alternating slices of a few
seconds, every load once per round, so that all see the same machine (a shared host's
speed can change from one second to the next); medians of the rounds are reported.

Beside the requests per second, each slice measures the CPU time its requests cost: that
of the server's gunicorn workers and of the PostgreSQL backends serving them (named by
``application_name``), read from /proc. On a host whose cores are shared with other work,
requests per second follow the neighbours, while CPU per request follows the code.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: How long a server may take to answer once started.
BOOT_SECONDS = 300


def free_port() -> int:
    """A loopback port nobody listens on now: on a shared machine a fixed one may already
    be another server's, whose answers would then be measured."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """gunicorn with ``workers`` workers and ``env`` on top of the bench environment."""

    workers: int
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Load:
    """One row of the table: ``path`` served by ``server``, asked with ``token`` (that of
    :func:`measure` when None: a server on another database has its own)."""

    label: str
    server: Server
    path: str
    token: str | None = None


@dataclass
class Slices:
    """Requests per second of each load, one entry per round."""

    loads: list[Load]
    rounds: list[list[float]] = field(default_factory=list)
    #: CPU milliseconds per request (workers and database backends), one entry per round.
    cpu: list[list[float]] = field(default_factory=list)

    def median(self, load: Load) -> float:
        index = self.loads.index(load)
        return statistics.median(r[index] for r in self.rounds)

    def cpu_ms(self, load: Load) -> float:
        index = self.loads.index(load)
        return statistics.median(r[index] for r in self.cpu)

    def cpu_ratio(self, numerator: Load, denominator: Load) -> float:
        """Median over the rounds of numerator's CPU per request / denominator's."""
        i, j = self.loads.index(numerator), self.loads.index(denominator)
        return statistics.median(r[i] / r[j] for r in self.cpu)

    def ratio(self, numerator: Load, denominator: Load) -> float:
        """Median over the rounds of numerator / denominator (each round's pair ran
        seconds apart)."""
        i, j = self.loads.index(numerator), self.loads.index(denominator)
        return statistics.median(r[i] / r[j] for r in self.rounds)


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "python threads"


def _ticks(pid: int) -> int:
    """CPU clock ticks (user + system) that process ``pid`` has used; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    children.append(int(entry.name))
            except OSError:
                continue
    return children


def _backends(database_url: str, application_name: str) -> list[int]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            [application_name])]


def _cpu_ticks(process: subprocess.Popen, database_url: str,
               application_name: str) -> dict[int, int]:
    """{pid: ticks} of the server's workers and of their database backends."""
    pids = [*_children(process.pid), *_backends(database_url, application_name)]
    return {pid: _ticks(pid) for pid in pids}


def load(url: str, token: str, seconds: float) -> float:
    """Requests per second against ``url`` for ``seconds``, with wrk or Python threads."""
    if shutil.which("wrk"):
        out = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{int(seconds)}s", "-H", f"Authorization: Token {token}",
             url], capture_output=True, text=True, check=True).stdout
        if "Non-2xx" in out or "Socket errors" in out:  # fast failures are not throughput
            raise SystemExit(f"{url} answered errors under load:\n{out}")
        for line in out.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1])
        raise SystemExit(out)
    done, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
        while time.monotonic() < stop:
            urllib.request.urlopen(request).read()
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / seconds


def serve(env: dict[str, str], server: Server, port: int) -> subprocess.Popen:
    """Start ``server`` on ``port``, its access log discarded; returns once it answers."""
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "ropa/gunicorn.py"),
         "bench.wsgi:application", "--log-level", "warning"],
        env={**env, **dict(server.env), "BENCH_APPLICATION_NAME": f"bench-{port}",
             "GUNICORN_BIND": f"127.0.0.1:{port}",
             "GUNICORN_WORKERS": str(server.workers)},
        cwd=ROOT, stdout=subprocess.DEVNULL)
    # On a busy shared machine a worker's start (Django, the app, the warm-up) can take
    # a minute or more.
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5)
            return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn on port {port} stopped") from None
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"gunicorn on port {port} did not answer within {BOOT_SECONDS} s")


def measure(env: dict[str, str], loads: list[Load], token: str, *, rounds: int = 5,
            seconds: int = 3) -> Slices:
    """Serve every server the loads need, warm each load, then run ``rounds`` rounds."""
    ports: dict[Server, int] = {}
    processes: dict[Server, subprocess.Popen] = {}
    database_url = env["DATABASE_URL"]
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    try:
        for each in loads:
            if each.server not in ports:
                ports[each.server] = free_port()
                processes[each.server] = serve(env, each.server, ports[each.server])
        urls = [f"http://127.0.0.1:{ports[each.server]}{each.path}" for each in loads]
        for each, url in zip(loads, urls, strict=True):
            load(url, each.token or token, 2)
        slices = Slices(loads)
        for _ in range(rounds):
            rps, cpu = [], []
            for each, url in zip(loads, urls, strict=True):
                server = processes[each.server]
                name = f"bench-{ports[each.server]}"
                before = _cpu_ticks(server, database_url, name)
                rps.append(load(url, each.token or token, seconds))
                after = _cpu_ticks(server, database_url, name)
                # A process started during the slice counts whole; one that ended is lost.
                used = sum(ticks - before.get(pid, 0) for pid, ticks in after.items())
                cpu.append(used * tick_ms / (rps[-1] * seconds))
            slices.rounds.append(rps)
            slices.cpu.append(cpu)
        return slices
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=30)
