"""Benchmarks of DESIGN.md section 6 on a synthetic register of 10,000 activities.

    make bench            # or: .venv/bin/python bench/run.py [--activities N] [--keep]
    make bench BENCH_ARGS="--growth"   # 10,000 activities, then 100,000 (200 organisations)
    .venv/bin/python bench/run.py --activities 100000 --organisations 200   # one size
    .venv/bin/python bench/run.py --only throughput --activities 2000   # gunicorn part only
    .venv/bin/python bench/run.py --keep --only exports --formats csv,ods,json  # printed only
    .venv/bin/python bench/run.py --keep --only imports --activities 100000 \
        --organisations 200 --beside-database postgres://.../ropa_bench   # import rows only

Needs PostgreSQL (BENCH_DATABASE_URL; default postgres://postgres@127.0.0.1:5432/ropa_bench,
recreated unless --keep; a growth run puts its larger register beside it, in the same name
with ``_growth``, and serves both registers' lookups in the same throughput slices).
Prints a table; every run keeps its results in bench/results.json under the size of its
register (a run of one size leaves the others' results), and docs/benchmarks.md is
rendered from that file: the 10,000-activity run in full, and, once a larger size has been
measured, the growth table (both sizes side by side, the ratio of each measure and whether
it grew no worse than linearly).
Throughput is measured through gunicorn on loopback with wrk when installed (Debian
package ``wrk``), otherwise with a bounded Python load generator.
Each command measured in its own process (exports, imports, the health report) is stopped
when it passes ``--timeout`` seconds or ``--memory-limit`` MB, and recorded as stopped.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ropa_bench"
#: The size of DESIGN.md section 6: its absolute targets apply at this size; others are
#: judged by their growth from it.
DESIGN_SIZE = 10_000
#: The growth run's larger register (DESIGN.md section 6, "Growth").
GROWTH_SIZE, GROWTH_ORGANISATIONS = 100_000, 200
#: Third parties per organisation (500 for 20 organisations in DESIGN.md section 6).
THIRD_PARTIES_PER_ORGANISATION = 25
#: A throughput "kept" at the larger size: at least this share of the smaller's (the noise
#: of a shared machine allowed for).
PAIRED_RATE_KEPT = 0.8
#: Peak memory allowed to an export or import of any size (DESIGN.md section 6).
MEMORY_TARGET_MB = 300
RESULTS_FILE = ROOT / "bench" / "results.json"
REPORT_FILE = ROOT / "docs" / "benchmarks.md"
RESULTS: list[tuple[str, str, str, str]] = []  # (measure, value, target, verdict)
#: The measures compared between sizes: growth label -> {"kind", "unit", "value"}; kind is
#: time, memory, queries or rate; value None when the measure was stopped.
MEASURES: dict[str, dict] = {}
#: Limits of each command measured in its own process (set from the arguments).
LIMITS = {"timeout": 900.0, "memory_mb": 3000.0}
#: How many times each command is measured (``--repeat``); see :func:`fastest`.
RUNS = {"repeat": 1}
NOTES: list[str] = []  # paragraphs for the report, below the table
#: Rows and notes of the throughput section (written alone by ``--only throughput``).
THROUGHPUT: list[tuple[str, str, str, str]] = []
THROUGHPUT_NOTES: list[str] = []
THROUGHPUT_HEADING = "## Throughput through gunicorn, and the ways of reaching the database"
GROWTH_HEADING = "## Growth to a larger register"
#: ``generate_register --layout``: where each organisation's rows lie (processing.synthetic).
LAYOUTS = ("together", "rotation")


def record(measure: str, value: str, target: str = "", ok: bool | None = None, *,
           table: list | None = None, growth: str | None = None, kind: str = "time",
           number: float | None = None, unit: str = ""):
    """A row of the report; with ``growth``, also a measure compared between sizes (its
    ``number`` in ``unit``; None when it was stopped)."""
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    (RESULTS if table is None else table).append((measure, value, target, verdict))
    if growth is not None:
        MEASURES[growth] = {"kind": kind, "unit": unit, "value": number}
    print(f"{measure:<58} {value:>22}  {target:<22} {verdict}", flush=True)


def code_version() -> str:
    """The commit measured (with "+ changes" when the working tree differs from it)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout
    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    return commit + (" + changes" if git("status", "--porcelain", "--untracked-files=no").strip()
                     else "")


def load_average() -> str:
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def env_for(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="bench.settings",
               PYTHONPATH=str(ROOT))
    return env


def recreate_database(database_url: str, template: str | None = None):
    """An empty database at ``database_url``, or a copy of the database ``template`` (a
    migrated one: a copy costs less than migrating again)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def migrated_database(database_url: str) -> str:
    """The name of an empty database migrated by this code's migrations, beside
    ``database_url`` and named after it and after the migrations: made once (by migrating)
    and kept, so that each database of a run (the register's, the import's, the growth
    register's) is a copy of it, made in a second, rather than migrated again (half a
    minute each). One made by other migrations is dropped."""
    import hashlib

    import psycopg

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    base, prefix = database_url.rsplit("/", 1)
    # One for a run's databases: its own, its import's, its growth register's.
    prefix = f"{prefix.removesuffix('_import').removesuffix('_growth')[:40]}_migrated_"
    name = prefix + digest.hexdigest()[:12]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix])]
        for stale in names:
            if stale != name:
                conn.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        if name in names:
            return name
        # Migrated under another name, then renamed: a migration stopped halfway leaves no
        # database of this name behind.
        making = name + "_making"
        conn.execute(f'DROP DATABASE IF EXISTS "{making}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{making}"')
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
                       env=env_for(f"{base}/{making}"), check=True, cwd=ROOT)
        conn.execute(f'ALTER DATABASE "{making}" RENAME TO "{name}"')
    return name


def growth_database(database_url: str) -> str:
    """The larger register of a growth run, beside the smaller one's database (kept, so
    that both are served in the same throughput slices)."""
    return database_url + "_growth"


def import_database(database_url: str) -> str:
    """Beside the bench's own database, named after it: two runs on other databases never
    meet."""
    return database_url + "_import"


PEAK_WRAPPER = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
{prelude}
started, cpu_started = time.perf_counter(), cpu()
with CaptureQueriesContext(connection) as ctx:
    call_command(*{args!r})
seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
# The peak of this process's own memory (VmHWM): getrusage's ru_maxrss outlives exec, so it
# would count the benchmark's own process, of which this one was forked.
peak = next((int(line.split()[1]) / 1024 for line in open("/proc/self/status")
             if line.startswith("VmHWM:")), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print("BENCH" + json.dumps({{"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mb": peak,
                            "queries": len(ctx)}}))
"""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """CPU time (user and system) process ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: Run before the command by ``measured_command(..., stock=True)``: the xlsx layouts
#: written through XlsxWriter's own Workbook rather than ``cells.Workbook`` (its sheets'
#: files held open, so the file limit raised as far as it goes).
STOCK_XLSXWRITER = """
import resource, xlsxwriter
from processing.exports import cells
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))
class StockWorkbook(xlsxwriter.Workbook):
    def done(self, worksheet):  # XlsxWriter keeps every sheet's file open until close()
        pass
cells.render_xlsx.__kwdefaults__["workbook_class"] = StockWorkbook
cells.write_xlsx.__kwdefaults__["workbook_class"] = StockWorkbook
"""


def measured_command(database_url: str, *args: str, stock: bool = False) -> dict:
    """Run a command in a fresh process; time, the CPU time of the command's process (not
    of the database server), peak RSS and SQL query count. A command that
    passes LIMITS (seconds, or MB of resident memory) is killed: the answer then says
    ``stopped`` (what it passed) and has no measures. ``stock``: through XlsxWriter's own
    Workbook (``STOCK_XLSXWRITER``)."""
    code = PEAK_WRAPPER.format(root=str(ROOT), args=list(args),
                               prelude=STOCK_XLSXWRITER if stock else "")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-c", code], env=env_for(database_url),
                                stdout=out, stderr=err, text=True, cwd=ROOT)
        started, stopped, load = time.monotonic(), None, load_average()
        while proc.poll() is None:
            elapsed, rss = time.monotonic() - started, _rss_mb(proc.pid)
            if rss > LIMITS["memory_mb"]:
                stopped = f"stopped over {LIMITS['memory_mb']:,.0f} MB after {elapsed:.0f} s"
            elif elapsed > LIMITS["timeout"]:
                stopped = f"stopped after {LIMITS['timeout']:,.0f} s"
            if stopped:
                cpu = _cpu_seconds(proc.pid)
                proc.kill()
                proc.wait()
                return {"stopped": f"{stopped} ({cpu:.0f} s CPU)", "cpu_at_least": cpu,
                        "peak_at_least": rss, "seconds_at_least": elapsed}
            time.sleep(0.1)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        # Recorded as failed, with its error, and the run goes on to the other measures.
        print(f"{' '.join(args)} failed:\n{stdout[-3000:]}\n{stderr[-3000:]}", file=sys.stderr)
        error = (stderr.strip().splitlines() or ["no message"])[-1][:200]
        return {"stopped": f"failed: {error}", "cpu_at_least": 0.0, "peak_at_least": 0.0,
                "seconds_at_least": time.monotonic() - started}
    line = next(line for line in stdout.splitlines() if line.startswith("BENCH"))
    return {**json.loads(line[5:]), "load": load}


def record_command(result: dict, label: str, *, growth: str, time_target: float | None = None,
                   memory_target: float | None = MEMORY_TARGET_MB, queries: bool = False,
                   kind: str = "time"):
    """Rows of a command measured by ``measured_command``: time, peak memory (and queries).
    ``kind``: how the growth of its time and CPU time is judged (:func:`growth_verdict`)."""
    if "stopped" in result:
        record(f"{label}: time", result["stopped"],
               f"< {time_target:.0f} s" if time_target else "",
               False if time_target or memory_target else None, growth=f"{growth}: time",
               kind=kind, unit="s")
        MEASURES[f"{growth}: time"]["at_least"] = result["seconds_at_least"]
        # What it had used when stopped: a lower bound, which may show already that it grew
        # worse than linearly.
        MEASURES[f"{growth}: CPU time"] = {"kind": kind, "unit": "s", "value": None,
                                           "at_least": result["cpu_at_least"]}
        MEASURES[f"{growth}: peak memory"] = {"kind": "memory", "unit": "MB", "value": None,
                                              "at_least": result["peak_at_least"]}
        return
    seconds, cpu, peak = result["seconds"], result["cpu_seconds"], result["peak_mb"]
    record(f"{label}: time", f"{seconds:.1f} s ({cpu:.1f} s CPU; load {result['load']})",
           f"< {time_target:.0f} s" if time_target else "",
           seconds < time_target if time_target else None, growth=f"{growth}: time",
           kind=kind, number=seconds, unit="s")
    # The process's own CPU time follows the code more than the machine's load does.
    MEASURES[f"{growth}: CPU time"] = {"kind": kind, "unit": "s", "value": cpu}
    record(f"{label}: peak memory", f"{peak:.0f} MB",
           f"< {memory_target:.0f} MB" if memory_target else "",
           peak < memory_target if memory_target else None, growth=f"{growth}: peak memory",
           kind="memory", number=peak, unit="MB")
    if queries:
        record(f"{label}: queries", str(result["queries"]), "constant", None,
               growth=f"{growth}: queries", kind="count", number=result["queries"])


def setup_django(database_url: str):
    os.environ.update(env_for(database_url))
    import django

    django.setup()


def in_process(database_url: str, activities: int):
    """Query counts and latency with Django's test client, on the benchmark database."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from processing.models import ProcessingActivity
    from ropa.wsgi import tune_gc

    tune_gc()  # as the production WSGI entry point does
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={
        "is_staff": True, "is_superuser": True})
    client = Client()
    # Logging in is not measured. Django's test client logs in with a request that has no
    # address, which the login lockout cannot record: it is left out of that one step.
    with override_settings(AXES_ENABLED=False):
        client.force_login(admin)

    def timed(url: str, repeat: int) -> tuple[float, int]:
        client.get(url)  # warm
        times, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(ctx)
        return statistics.median(times), queries

    design = activities == DESIGN_SIZE  # the absolute targets are those of this size
    counts = {}
    for size in (1, 10, 100):
        median, queries = timed(f"/api/v1/activities/?page_size={size}", 15)
        counts[size] = queries
        record(f"API list, page size {size}: queries", str(queries), "<= 12", queries <= 12,
               growth=f"API list, page size {size}: queries", kind="queries", number=queries)
        if size == 100:
            record("API list, page size 100: median", f"{median:.0f} ms",
                   "< 150 ms" if design else "", median < 150 if design else None,
                   growth="API list, page size 100: median", number=median, unit="ms")
    record("API list: same queries for 1, 10, 100", str(len(set(counts.values())) == 1),
           "True", len(set(counts.values())) == 1)

    # The kept path against the stock one, on the same page of records: the answer written
    # out from the records (processing/api/representation.py) and DRF's serializer.
    from processing.api.representation import represent_activities
    from processing.api.serializers import ActivitySerializer
    from processing.register import activity_rows, read_activities

    page = read_activities(list(activity_rows(
        ProcessingActivity.objects.order_by("organisation__name", "reference"))[:100]))
    for label, build in (("DRF's ActivitySerializer (stock)",
                          lambda: ActivitySerializer(page, many=True).data),
                         ("written out from the records (kept)", lambda: represent_activities(page))):
        build()
        times = []
        for _ in range(15):
            started = time.perf_counter()
            build()
            times.append((time.perf_counter() - started) * 1000)
        record(f"API page of 100, answer by {label}", f"{statistics.median(times):.0f} ms", "", None)

    # The site-wide Content-Security-Policy built once (ropa.security.CSPMiddleware, which
    # reads django-csp's private request and response attributes) against django-csp's own
    # middleware, on the same plain page.
    from csp.middleware import CSPMiddleware as StockCSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from ropa.security import CSPMiddleware

    factory = RequestFactory()
    for label, middleware_class in (("django-csp's CSPMiddleware (stock)", StockCSPMiddleware),
                                    ("ropa.security.CSPMiddleware (kept)", CSPMiddleware)):
        middleware = middleware_class(lambda request: HttpResponse("ok"))
        times = []
        for _ in range(3000):
            request = factory.get("/")
            started = time.perf_counter()
            middleware(request)
            times.append((time.perf_counter() - started) * 1e6)
        record(f"Content-Security-Policy of a page, by {label}",
               f"{statistics.median(times):.1f} µs", "", None)

    activity = ProcessingActivity.objects.order_by("pk")[activities // 2]
    median, queries = timed(f"/api/v1/activities/{activity.pk}/lawful-basis/", 50)
    record("Lawful-basis lookup: queries (session auth)", str(queries), "<= 3 (token)", None,
           growth="Lawful-basis lookup: queries", kind="queries", number=queries)
    record("Lawful-basis lookup: median in process", f"{median:.1f} ms", "", None,
           growth="Lawful-basis lookup: median in process", number=median, unit="ms")

    median, queries = timed("/admin/processing/processingactivity/", 10)
    record(f"Admin change list ({activities:,}): queries", str(queries), "constant", None,
           growth="Admin change list: queries", kind="queries", number=queries)
    record(f"Admin change list ({activities:,}): median", f"{median:.0f} ms",
           "< 500 ms" if design else "", median < 500 if design else None,
           growth="Admin change list: median", number=median, unit="ms")

    # Completeness per Art 30 item, rolled up per organisation, with the findings read in
    # the same pass (the dashboard and the health report), against the findings alone.
    from processing.completeness import register_completeness
    from processing.findings import register_findings

    for label, run in (("Findings of the whole register (register_findings)", register_findings),
                       ("Completeness and findings of the whole register", register_completeness)):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            run()
            seconds = time.perf_counter() - started
        record(f"{label}: time", f"{seconds:.1f} s", "", None)
        record(f"{label}: queries", str(len(ctx)), "constant per 500 activities", None)
    median, queries = timed("/admin/processing/processingactivity/dashboard/", 3)
    record(f"Admin dashboard ({activities:,}): queries", str(queries), "constant per 500 activities", None)
    record(f"Admin dashboard ({activities:,}): median", f"{median / 1000:.1f} s", "", None)
    return activity.pk


#: The growth of the lookup's throughput measured by the larger run with the smaller
#: register served in the same slices (``--beside-database``).
PAIRED_THROUGHPUT = "Lawful-basis lookup through gunicorn: throughput beside the smaller register"


def token_for_bench() -> str:
    """A new token of the bench user (the database keeps its digest, not the secret)."""
    from django.contrib.auth import get_user_model

    from entities.tokens import token_replace

    return token_replace(get_user_model().objects.get(username="bench-admin"))[0]


#: Ways of reaching the database measured against the shipped one through gunicorn: (label,
#: environment of the server; see bench/settings.py and bench/wsgi.py). Shipped: Django's
#: backend, persistent connections with CONN_HEALTH_CHECKS, the hot statements bound on
#: the server by ropa.db.prepared_cursor and prepared.
DATABASE_WAYS: list[tuple[str, dict[str, str]]] = [
    ("stock pool (health-checked on checkout), prepared_cursor", {"BENCH_CONNECTIONS": "pool"}),
    ("stock server_side_binding for every statement, no prepared_cursor",
     {"BENCH_BINDING": "server", "BENCH_PREPARED": "stock"}),
    ("stock client binding, no prepared_cursor (nothing prepared)",
     {"BENCH_PREPARED": "stock"}),
]


def beside_register(database_url: str) -> tuple[int, int, str]:
    """(activities, the activity looked up, a token) of a smaller register measured earlier
    and kept at ``database_url``: the activity its own run looked up, and a new token of
    its bench user (the database keeps only a token's digest)."""
    import psycopg

    from entities.tokens import token_digest, token_secret

    secret = token_secret()
    try:
        with psycopg.connect(database_url) as conn:
            activities = conn.execute(
                "SELECT count(*) FROM processing_processingactivity").fetchone()[0]
            activity = conn.execute(
                "SELECT id FROM processing_processingactivity ORDER BY id OFFSET %s LIMIT 1",
                [activities // 2]).fetchone()
            user = conn.execute(
                "SELECT id FROM auth_user WHERE username = 'bench-admin'").fetchone()
            if user is not None:
                conn.execute("DELETE FROM authtoken_token WHERE user_id = %s", user)
                conn.execute("INSERT INTO authtoken_token (key, created, user_id) "
                             "VALUES (%s, now(), %s)", [token_digest(secret), user[0]])
    except psycopg.Error as error:
        raise SystemExit(f"--beside-database {database_url}: {error}") from None
    if activity is None or user is None:
        raise SystemExit(f"--beside-database {database_url}: no register measured there (its "
                         f"activities and the bench user of a throughput run are needed).")
    return activities, activity[0], secret


def throughput(database_url: str, activity_id: int, rounds: int, *, ways: bool = True,
               seconds: int = 3, beside: str | None = None):
    """The lookup and the bare view through gunicorn (bench/throughput.py), then (with
    ``ways``) the lookup served each way of DATABASE_WAYS, all in the same alternating
    slices of ``seconds``.

    One worker per core is the measure: here the database shares the cores, and more
    workers only take turns on them. gunicorn's default for a web machine whose database is
    elsewhere, 2 x cores + 1 (ropa/gunicorn.py), is measured alongside.

    ``beside``, the database of a smaller register measured earlier: its lookup and bare
    view are served too, in the same slices, so that the lookup's growth is measured on the
    same machine at the same moments (two runs half an hour apart on a shared machine
    measure the neighbours as much as the register)."""
    from bench.throughput import Load, Server, measure, tool

    token = token_for_bench()
    cores = os.cpu_count() or 1
    api_path = f"/api/v1/activities/{activity_id}/lawful-basis/"
    raw_path = f"/bench/raw-lawful-basis/{activity_id}/"
    shipped = Server(cores)
    api = Load(f"Lawful-basis lookup through gunicorn ({cores} workers, {tool()})", shipped,
               api_path)
    raw = Load("Bare Django view, one raw SQL query", shipped, raw_path)
    wide = Load(f"Lawful-basis lookup, {2 * cores + 1} workers (default for a web machine)",
                Server(2 * cores + 1), api_path)
    others = [Load(f"Lookup, {label}", Server(cores, tuple(sorted(env.items()))), api_path)
              for label, env in DATABASE_WAYS if env] if ways else []
    smaller = []
    if beside:
        size, beside_id, beside_token = beside_register(beside)
        server = Server(cores, (("DATABASE_URL", beside),))
        smaller = [
            Load(f"Lawful-basis lookup, register of {size:,} activities, same slices", server,
                 f"/api/v1/activities/{beside_id}/lawful-basis/", beside_token),
            Load(f"Bare Django view, register of {size:,} activities, same slices", server,
                 f"/bench/raw-lawful-basis/{beside_id}/", beside_token),
        ]
    # Each size's lookup beside the other's, so that the pair runs seconds apart.
    loads = [api, *smaller[:1], raw, *smaller[1:], *([wide] if ways else []), *others]
    started_at = load_average()
    slices = measure(env_for(database_url), loads, token, rounds=rounds, seconds=seconds)

    row = functools.partial(record, table=THROUGHPUT)

    def cpu(each: Load) -> str:
        return (f"{slices.cpu_ms(each):.2f} ms CPU/request "
                f"({slices.cpu_ratio(each, raw):.2f}x the bare view's)")

    api_rps, ratio = slices.median(api), slices.ratio(raw, api)
    row(api.label, f"{api_rps:.0f} req/s; {cpu(api)}", ">= 1,000 req/s", api_rps >= 1000)
    MEASURES["Lawful-basis lookup through gunicorn: throughput"] = {
        "kind": "rate", "unit": "req/s", "value": api_rps}
    MEASURES["Lawful-basis lookup through gunicorn: CPU per request"] = {
        "kind": "time", "unit": "ms", "value": slices.cpu_ms(api)}
    row(raw.label, f"{slices.median(raw):.0f} req/s; {slices.cpu_ms(raw):.2f} ms CPU/request")
    row("Bare view / API lookup", f"{ratio:.2f}x", "<= 2x", ratio <= 2)
    if smaller:
        from processing.models import ProcessingActivity

        small_api, small_raw = smaller
        growth = slices.ratio(api, small_api)
        row(small_api.label, f"{slices.median(small_api):.0f} req/s; "
            f"{slices.cpu_ms(small_api):.2f} ms CPU/request")
        row(small_raw.label, f"{slices.median(small_raw):.0f} req/s; "
            f"{slices.cpu_ms(small_raw):.2f} ms CPU/request")
        row(f"Lookup at {ProcessingActivity.objects.count():,} / at {size:,} activities, "
            "same slices",
            f"{growth:.2f}x; CPU per request {slices.cpu_ratio(api, small_api):.2f}x",
            ">= 0.8x", growth >= 0.8)
        MEASURES[PAIRED_THROUGHPUT] = {
            "kind": "paired", "unit": "req/s", "value": api_rps,
            "beside": slices.median(small_api), "ratio": growth,
            "cpu_ratio": slices.cpu_ratio(api, small_api), "beside_activities": size}
    if ways:
        row(wide.label, f"{slices.median(wide):.0f} req/s; {cpu(wide)}")
    for each in others:
        rps, ratio = slices.median(each), slices.ratio(raw, each)
        row(each.label, f"{rps:.0f} req/s, bare view / lookup {ratio:.2f}x; {cpu(each)}",
            ">= 1,000 req/s, <= 2x", rps >= 1000 and ratio <= 2)
    spread = "; ".join(", ".join(f"{rps:.0f}" for rps in each) for each in slices.rounds)
    cpu_spread = "; ".join(", ".join(f"{ms:.2f}" for ms in each) for each in slices.cpu)
    THROUGHPUT_NOTES.append(
        f"Throughput: {tool()} on loopback (2 threads, 16 connections) in alternating {seconds}-second "
        f"slices, every row once per round, {rounds} rounds; the table gives the medians, and "
        f"each ratio is the median of the rounds' ratios (each pair ran seconds apart). "
        f"Load average of the machine when the slices began (1, 5, 15 min): {started_at}. "
        f"CPU per request is the CPU time of the server's gunicorn workers and of their "
        f"PostgreSQL backends during the slice, divided by its requests (wrk's own is not "
        f"counted). Order of the rows in a round: {'; '.join(e.label for e in loads)}. "
        f"Per round, req/s: {spread}. Per round, CPU ms/request: {cpu_spread}.")
    if smaller:
        THROUGHPUT_NOTES.append(
            f"The register of {size:,} activities measured earlier was served beside this one "
            f"(its own gunicorn on its own database), its rows in the same rounds: the growth "
            f"of the lookup is the median of the rounds' ratios of the two lookups, each pair "
            f"seconds apart. Throughput measured by two runs at different moments follows "
            f"the machine's neighbours: at 100,000 activities a run measured 682 req/s "
            f"against 1,549 req/s half an hour earlier at 10,000, its bare view falling as "
            f"much (0.47x), while in the same slices the two registers' lookups answered "
            f"within a few percent of each other, each reading the same 34 buffers of one "
            f"plan (EXPLAIN (ANALYZE, BUFFERS)).")
    print(f"  ({THROUGHPUT_NOTES[-1]})", flush=True)


def _resolved(runs: list) -> tuple[list[dict], dict | None]:
    """(the results of ``runs``, results or futures of :func:`measured_command`; the first
    that was stopped, which then stands for all of them)."""
    results = [run.result() if hasattr(run, "result") else run for run in runs]
    return results, next((result for result in results if "stopped" in result), None)


def fastest(runs: list) -> dict:
    """One measure of a command run several times (results or futures of
    :func:`measured_command`): the least of its times and of its CPU times, the largest of
    its peaks of memory. A shared machine only ever slows a run down, so the least time is
    the command's own; a run that was stopped stands for all of them."""
    results, stopped = _resolved(runs)
    if stopped:
        return stopped
    best = min(results, key=lambda result: result["seconds"])
    return {**best, "cpu_seconds": min(result["cpu_seconds"] for result in results),
            "peak_mb": max(result["peak_mb"] for result in results), "runs": len(results)}


def record_export(result: dict, fmt: str, activities: int):
    """Every format is judged: under 10 s at 10,000 activities, under 300 MB at any size."""
    record_command(result, f"Export {fmt}", growth=f"Export {fmt}",
                   time_target=10 if activities == DESIGN_SIZE else None,
                   memory_target=MEMORY_TARGET_MB, queries=True)


def exports_alone(database_url: str, workdir: Path, formats: list[str], activities: int):
    """``--only exports``: each of ``formats`` alone in a fresh process, printed only."""
    for fmt in formats:
        record_export(measured_command(database_url, "export_register", "--format", fmt, "-o",
                                       str(workdir / f"register.{fmt}")), fmt, activities)


def registers_measured(database_url: str, workdir: Path, activities: int, prepared: bool,
                       beside: str | None) -> list[tuple]:
    """(database, folder, activities, import database prepared) of each register a run's
    commands measure: the smaller register ``beside`` first when given, then this one."""
    registers = [(database_url, workdir, activities, prepared)]
    if beside:
        (workdir / "beside").mkdir()
        registers.insert(0, (beside, workdir / "beside", count_activities(beside), False))
    return registers


def commands(database_url: str, workdir: Path, activities: int, formats: list[str], *,
             jobs: int = 1, import_prepared: bool = False, beside: str | None = None) -> None:
    """Every command measured in its own process: the register exported in each of
    ``formats`` (ico-xlsx and the workbook always), as of today, imported (from the
    workbook) into an empty database and again, and the health report. ``jobs`` of them
    run at once (the import's steps one after the other, after the exports when ``jobs``
    is 1); their rows are recorded in that order whatever order they finish in. Times of
    commands that ran side by side share the machine: their CPU times and peak memory are
    the measure then.

    ``beside``, the database of a smaller register measured earlier (kept): each command
    is run on it too, right before the same command on this register, and the growth of
    each time is judged from that pair (:func:`pair`), seconds apart rather than the two
    runs' minutes or hours apart (a shared machine's speed changes in between)."""
    from concurrent.futures import ThreadPoolExecutor

    registers = registers_measured(database_url, workdir, activities, import_prepared, beside)

    def export(where: tuple, fmt: str, *extra: str) -> dict:
        url, folder = where[0], where[1]
        return measured_command(url, "export_register", "--format", fmt, *extra,
                                "-o", str(folder / f"register{''.join(extra)}.{fmt}"))

    def each(pool, run, *args) -> list[list]:
        """``run`` on each register, the smaller first, ``--repeat`` times over (the
        registers in turn): the futures of each register, this register's last."""
        runs = [[] for _ in registers]
        for _ in range(RUNS["repeat"]):
            for futures, where in zip(runs, registers, strict=True):
                futures.append(pool.submit(run, where, *args))
        return runs

    def report(where: tuple) -> dict:
        # Produced anew even where a run of the same day (--keep) produced it already.
        return measured_command(where[0], "run_report", "health", "--force", "--no-email")

    today = datetime.date.today().isoformat()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool, \
            ThreadPoolExecutor(max_workers=1) as chain:
        workbooks = each(pool, export, "workbook")
        steps = None if jobs == 1 else chain.submit(
            paired_imports, registers, workbooks)
        done = {fmt: workbooks if fmt == "workbook" else each(pool, export, fmt)
                for fmt in formats}
        as_of = each(pool, export, "ico-xlsx", "--as-of", today)
        # The kept path beside the stock one, in the same run (docs/architecture.md, "Fast
        # paths kept"): the CNIL layout, a sheet per activity, through XlsxWriter's Workbook.
        stock = (pool.submit(measured_command, database_url, "export_register", "--format",
                             "cnil-xlsx", "-o", str(workdir / "register-stock.xlsx"), stock=True)
                 if "cnil-xlsx" in formats and activities == DESIGN_SIZE else None)
        health = each(pool, report)
        same = same_work(pool, registers, workdir) if beside and "csv" in formats else None
        for fmt in formats:
            record_export(fastest(done[fmt][-1]), fmt, activities)
            pair(f"Export {fmt}", done[fmt])
            if fmt == "csv" and same is not None:
                record_same_work(done[fmt], *same)
        record_as_of(fastest(as_of[-1]), fastest(done["ico-xlsx"][-1]))
        pair("As-of export (ico-xlsx)", as_of, cpu=False)
        if stock is not None:
            record_command(stock.result(), "Export cnil-xlsx through XlsxWriter's own Workbook "
                           "(stock; cells.Workbook kept)", growth="Export cnil-xlsx, stock "
                           "Workbook", memory_target=None)
        record_command(fastest(health[-1]), "Health report over the whole register",
                       growth="Health report",
                       time_target=15 if activities == DESIGN_SIZE else None,
                       memory_target=None)
        pair("Health report", health)
        # Alone when jobs is 1: after the exports and the report, not beside them.
        record_imports(paired_imports(registers, workbooks) if steps is None else steps.result())


def record_imports(steps: list[tuple]) -> None:
    """The rows of the import's steps (:func:`paired_imports`), each judged from its pair."""
    for label, growth, results, seconds, memory in steps:
        if growth is None:  # a count of history rows written, and the count expected
            result = results[-1][-1]
            record(label, str(result), str(seconds), result == seconds)
            continue
        record_command(fastest(results[-1]), label, growth=growth, time_target=seconds,
                       memory_target=memory)
        pair(growth, results)


def imports_alone(database_url: str, workdir: Path, activities: int, *, prepared: bool = False,
                  beside: str | None = None) -> None:
    """``--only imports``: the register's workbook exported, then imported into an empty
    database (``prepared``: made already), again unchanged and with 1,000 activities
    renamed, each step right after the same step of the smaller register ``beside`` when
    given (:func:`paired_imports`)."""
    from concurrent.futures import ThreadPoolExecutor

    registers = registers_measured(database_url, workdir, activities, prepared, beside)
    with ThreadPoolExecutor(max_workers=1) as pool:
        workbooks = [[pool.submit(measured_command, url, "export_register", "--format",
                                  "workbook", "-o", str(folder / "register.workbook"))]
                     for url, folder, *_ in registers]
        record_imports(paired_imports(registers, workbooks))


SAME_WORK = "Export csv of as many activities, out of the larger register"


def same_work(pool, registers: list[tuple], workdir: Path) -> tuple[int, int, list]:
    """The CSV export of as many activities as the smaller register holds, read out of this
    one: its first organisations (by id) up to that number, ``--repeat`` times. (activities,
    organisations, futures.) Beside the smaller register's own CSV export, it shows whether
    an activity costs more to export from a larger register: the growth of the whole
    export less the work's own."""
    import psycopg

    url, wanted = registers[-1][0], registers[0][2]
    with psycopg.connect(url) as conn:
        counts = conn.execute("SELECT organisation_id, count(*) FROM processing_processingactivity "
                              "GROUP BY organisation_id ORDER BY organisation_id").fetchall()
    chosen, total = [], 0
    for organisation, count in counts:
        if total >= wanted:
            break
        chosen.append(organisation)
        total += count
    arguments = [a for organisation in chosen for a in ("--organisation", str(organisation))]
    return total, len(chosen), [
        pool.submit(measured_command, url, "export_register", "--format", "csv", *arguments,
                    "-o", str(workdir / "same-work.csv"))
        for _ in range(RUNS["repeat"])]


def record_same_work(whole: list, activities: int, organisations: int, runs: list) -> None:
    """The rows of :func:`same_work`, paired with the smaller register's CSV export
    (``whole``: the runs of each register): the same work, so its growth is shown, not
    judged against the registers' ratio."""
    record_command(fastest(runs), f"Export csv of {activities:,} activities ({organisations} "
                   f"organisations) out of this register", growth=SAME_WORK, memory_target=None,
                   kind="same work")
    pair(SAME_WORK, [whole[0], runs])


def count_activities(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM processing_processingactivity").fetchone()[0]


def typical(runs: list) -> dict:
    """The median time and CPU time of a command run several times (results or futures of
    :func:`measured_command`; a stopped run stands for all of them). The growth of a time
    is judged on these, not on the least: a short run more often falls between two of a
    shared machine's slow spells than one ten times longer, so the least of the smaller
    register's runs is luckier than the larger's, and their ratio too high."""
    results, stopped = _resolved(runs)
    if stopped:
        return stopped
    return {"seconds": statistics.median(result["seconds"] for result in results),
            "cpu_seconds": statistics.median(result["cpu_seconds"] for result in results),
            "runs": len(results)}


def pair(growth: str, results: list, *, cpu: bool = True) -> None:
    """Where the smaller register's command ran right before this one's (``results``: the
    runs of each register, its runs then this one's; futures or results), the median of
    its times (and CPU times) beside the median of this one's (:func:`typical`): the growth
    table judges the pair."""
    measured = [typical(runs) for runs in results if runs]
    if len(measured) < 2:
        return
    small, large = measured[-2:]
    if "stopped" in small or "stopped" in large or f"{growth}: time" not in MEASURES:
        return
    MEASURES[f"{growth}: time"].update(beside=small["seconds"], paired=large["seconds"],
                                       runs=[small["runs"], large["runs"]])
    if cpu:
        MEASURES[f"{growth}: CPU time"].update(beside=small["cpu_seconds"],
                                               paired=large["cpu_seconds"])


#: What ``--instructions`` counts besides the export formats: the import of each register's
#: workbook into an empty database.
IMPORT_COUNTED = "import"


def counted_instructions(beside: str, database_url: str, formats: list[str]) -> None:
    """The instructions of each export of ``formats`` (and, for ``import``, of the import of
    each register's workbook into an empty database) on the smaller register ``beside`` and
    on this one, counted by callgrind (bench/instructions.py), less Django's start-up: a
    growth row each, judged like a time, which neither the machine's speed nor its
    neighbours change."""
    from bench.instructions import instructions

    start = instructions(database_url, [])

    def imported(url: str, folder: Path) -> int:
        # The workbook exported outside callgrind, then imported under it into an empty copy
        # of the migrated database.
        workbook = folder / "register.xlsx"
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "export_register", "--format",
                        "workbook", "-o", str(workbook)], env=env_for(url), check=True,
                       cwd=ROOT, capture_output=True)
        target = import_database(url)
        recreate_database(target, template=migrated_database(url))
        return instructions(target, ["import_register", str(workbook)])

    counts_of = {}
    with tempfile.TemporaryDirectory() as tmp:
        for what in formats:
            counts = []
            for n, url in enumerate((beside, database_url)):
                folder = Path(tmp) / str(n)
                folder.mkdir(exist_ok=True)
                counts.append((imported(url, folder) if what == IMPORT_COUNTED else instructions(
                    url, ["export_register", "--format", what, "-o",
                          str(folder / f"register.{what}")])) - start)
            counts_of[what] = counts
    for what, counts in counts_of.items():
        label = ("Import of the workbook" if what == IMPORT_COUNTED else f"Export {what}") + \
            ": instructions (callgrind)"
        record(label, f"{counts[1] / 1e9:.2f} billion", "", None, growth=label,
               kind="instructions", number=counts[1])
        MEASURES[label]["beside"] = counts[0]
    NOTES.append(
        "Instructions (callgrind): the export (or the import of the register's workbook into "
        "an empty database) run under valgrind's callgrind, on each "
        "register, its count less that of Django's start-up alone (`bench/instructions.py`). "
        "The count is the same run after run whatever else the machine does, so its growth "
        "is the code's own; a time's growth adds what the machine's caches and neighbours "
        "do to a run ten times longer.")


def record_as_of(result: dict, current: dict):
    if "stopped" in result or "stopped" in current:
        record("As-of export (ico-xlsx): time", result.get("stopped") or
               f"{result['seconds']:.1f} s (current export stopped)", "< 3x current", False)
        return
    ratio = result["seconds"] / current["seconds"]
    record("As-of export (ico-xlsx): time", f"{result['seconds']:.1f} s ({ratio:.1f}x)",
           "< 3x current", ratio < 3, growth="As-of export (ico-xlsx): time",
           number=result["seconds"], unit="s")


def paired_imports(registers: list[tuple], workbooks: list) -> list[tuple]:
    """:func:`import_steps` of each register (its workbook's export runs ``workbooks``, in
    the same order), step by step: each step of the smaller register right before the same
    step of this one. (label, growth label, [results of each register], time target,
    memory target) of this register's steps."""
    chains = [import_steps(url, folder / "register.workbook", activities, exported[-1],
                           prepared=prepared)
              for (url, folder, activities, prepared), exported in zip(registers, workbooks,
                                                                       strict=True)]
    steps: dict[str, tuple] = {}  # a step repeated (``--repeat``) is one, with every run
    for each in itertools.zip_longest(*chains):
        if each[-1] is None:
            continue
        label, growth, _result, seconds, memory = each[-1]
        step = steps.setdefault(growth or label,
                                (label, growth, [[] for _ in each], seconds, memory))
        for runs, one in zip(step[2], each, strict=True):
            if one is not None and one[1] == growth:
                runs.append(one[2])
    return list(steps.values())


def import_steps(database_url: str, workbook: Path, activities: int, exported, *,
                 prepared: bool = False) -> Iterator[tuple]:
    """The workbook imported into an empty database (``prepared``: made already, migrated),
    then imported again unchanged and with 1,000 activities renamed, once ``exported`` (the
    workbook's export) is done: (label, growth label, result, time target, memory target)
    of each step, as it is measured. The import into an empty database and the unchanged
    re-import are measured ``--repeat`` times (the database emptied again before each
    import), the renamed re-import once (it changes the register)."""
    design = activities == DESIGN_SIZE
    label = f"Import of the {activities:,}-activity workbook"
    if "stopped" in exported.result():
        yield (label, "Import of the workbook",
               {"stopped": "not measured: the workbook's export was stopped",
                "cpu_at_least": 0, "peak_at_least": 0, "seconds_at_least": 0}, None, None)
        return
    target = import_database(database_url)
    for run in range(RUNS["repeat"]):
        if run or not prepared:
            recreate_database(target, template=migrated_database(database_url))
        result = measured_command(target, "import_register", str(workbook))
        yield (label, "Import of the workbook", result, 60 if design else None, None)
        if "stopped" in result:
            return
    # A DPO's round trip: the same workbook again (nothing changes), then with 1,000
    # activities renamed (those are updated, with history).
    changed = min(1000, activities)
    before = history_rows(target)
    for _ in range(RUNS["repeat"]):
        yield ("Re-import, unchanged", "Re-import, unchanged",
               measured_command(target, "import_register", str(workbook)),
               30 if design else None, 400 if design else None)
    yield ("Re-import, unchanged: history rows written", None,
           history_rows(target) - before, 0, None)
    table = "processing_historicalprocessingactivity"
    before = history_rows(target, table)
    yield (f"Re-import, {changed:,} activities renamed",
           "Re-import, 1,000 activities renamed (all when fewer)",
           measured_command(target, "import_register", str(renamed(workbook, changed))),
           20 if design else None, None)
    yield (f"Re-import, {changed:,} activities renamed: activity history rows written",
           None, history_rows(target, table) - before, changed, None)


def history_rows(database_url: str, table: str | None = None) -> int:
    """Rows of one history table, or of every history table (links' history included)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [table] if table else [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE '%historical%'")]
        return sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)


def renamed(workbook: Path, count: int) -> Path:
    """A copy of ``workbook`` with the first ``count`` activities renamed, its sheets
    streamed (read-only in, write-only out): the memory held is a row's, at any size."""
    import openpyxl

    source = openpyxl.load_workbook(workbook.open("rb"), read_only=True)  # any file name
    copy = openpyxl.Workbook(write_only=True)
    for sheet in source.worksheets:
        out = copy.create_sheet(sheet.title)
        rows = sheet.iter_rows(values_only=True)
        headings = next(rows, None)
        if headings is None:
            continue
        out.append(headings)
        column = headings.index("Name") if sheet.title == "Activities" else None
        for number, row in enumerate(rows, 1):
            if column is not None and number <= count:
                row = (*row[:column], f"{row[column]} (revised)", *row[column + 1:])
            out.append(row)
    source.close()
    path = workbook.with_name(f"renamed-{count}.xlsx")
    copy.save(path)
    return path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {pages:.0f} GiB, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def table(rows) -> list[str]:
    return ["| measure | value | target | |", "|---|---|---|---|",
            *(f"| {m} | {v} | {t} | {ok} |" for m, v, t, ok in rows)]


def throughput_section(run: dict) -> list[str]:
    part = run["throughput"]
    return [
        THROUGHPUT_HEADING,
        "",
        f"Measured by {part['measured_by']}. The lookup reads one activity, so its throughput "
        "does not depend on the size of the register.",
        "",
        *table(part["rows"]),
        "",
        *(line for note in part["notes"] for line in (note, "")),
    ]


def organisation_runs() -> int:
    """Runs of consecutive activities (in id order) of one organisation: as many as the
    organisations when each one's activities lie together, as many as the activities when
    the organisations took turns. Reading an organisation touches fewer pages the fewer
    and longer its runs (docs/architecture.md, "Where an organisation's rows lie")."""
    from django.db.models import F, Window
    from django.db.models.functions import Lag

    from processing.models import ProcessingActivity

    return (ProcessingActivity.objects
            .annotate(previous=Window(Lag("organisation_id", default=0), order_by=F("id").asc()))
            .exclude(previous=F("organisation_id")).count())


def laid_out(run: dict) -> str:
    """How the register's activities lie, in words (:func:`organisation_runs`)."""
    runs = run.get("runs")
    if runs is None:
        return ""
    how = ("each organisation's activities together" if runs <= run["organisations"]
           else "organisations in turn")
    return f"; {how}: {runs:,} runs of one organisation's activities in id order"


def main_section(run: dict) -> list[str]:
    load = run["load_average"]
    return [
        f"Run by `{run['command']}` on {run['date']} (commit {run.get('code', 'unknown')}): "
        f"synthetic register of "
        f"{run['activities']:,} activities and {run['organisations']:,} organisations "
        f"(`generate_register`, shape of DESIGN.md section 6{laid_out(run)}), "
        f"PostgreSQL {run['pg_version']}.",
        "",
        f"Machine: {run['machine']}. Load average (1, 5, 15 min) when the run began: "
        f"{load['start']}; when it ended: {load['end']}.",
        "",
        (f"Generating the register took {run['generate_seconds']:.0f} s."
         if run["generate_seconds"] else "The register was generated by an earlier run "
         "(`--keep`)."),
        "",
        *([f"The exports, the import and the report were measured {run['jobs']} at a time "
           f"(`--jobs {run['jobs']}`): their times share the machine, their CPU times and "
           f"peak memory are their own.", ""] if run.get("jobs", 1) > 1 else []),
        "Timings depend on the machine as much as on the code: the generation time and the "
        "bare Django view below change only with the machine, so compare them between two "
        "runs before comparing the rest. Query counts, peak memory and the ratio of the API "
        "lookup to the bare view depend on the code alone.",
        "",
        *table(run["rows"]),
        "",
        *(line for note in run["notes"] for line in (note, "")),
    ]


def _shown(measure: dict | None) -> str:
    if measure is None:
        return "not measured"
    value, unit = measure["value"], measure["unit"]
    if value is None:
        if measure.get("at_least"):
            return f"stopped at {_shown({**measure, 'value': measure['at_least']})}"
        return "stopped"
    if measure["kind"] in ("queries", "count"):
        return f"{value:.0f}"
    if measure["kind"] == "instructions":
        return f"{value / 1e9:.2f} billion"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"
    return f"{value:,.0f} {unit}"


def growth_verdict(kind: str, small: float, large: float, factor: float) -> tuple[str, bool]:
    """(ratio shown, whether the measure grew no worse than linearly) of a measure from the
    smaller register to the one ``factor`` times larger: a time at most ``factor`` times
    longer; a peak memory under MEMORY_TARGET_MB (streamed, whatever the size); the same
    query count for a page or a lookup (``queries``), at most ``factor`` times the queries
    for a whole register (``count``: one set of queries per chunk read); a throughput kept
    (at least 0.8 times the smaller register's, the noise of a shared machine allowed for)."""
    ratio = large / small if small else float("inf")
    shown = f"{ratio:.2f}x"
    if kind == "same work":  # not a larger register's: shown beside the growth, not judged
        return shown, None
    if kind in ("time", "count", "instructions"):
        return shown, ratio <= factor
    if kind == "memory":
        return shown, large < MEMORY_TARGET_MB
    if kind == "queries":
        return shown, large == small
    if kind == "rate":
        return shown, ratio >= PAIRED_RATE_KEPT
    raise ValueError(f"Unknown kind of measure: {kind!r}")


def _verdict(ok: bool | None) -> str:
    """The growth table's word for a judged measure (None: shown, not judged)."""
    return "shown" if ok is None else "met" if ok else "MISSED"


def growth_section(small: dict, large: dict) -> list[str]:
    factor = large["activities"] / small["activities"]
    rows = []
    names = [*small["measures"], *(n for n in large["measures"] if n not in small["measures"])]
    paired = any(m["kind"] == "paired" for m in large["measures"].values())
    commands_paired = any(m.get("beside") for m in large["measures"].values())
    medians = any(max(m.get("runs") or [0]) > 1 for m in large["measures"].values())
    for name in names:
        a, b = small["measures"].get(name), large["measures"].get(name)
        if b is not None and b["kind"] == "paired":
            # Both registers served in the larger run's slices: the smaller's value is its
            # own there, the growth the median of the rounds' ratios.
            ok = b["ratio"] >= PAIRED_RATE_KEPT
            rows.append(f"| {name} | {_shown({**b, 'value': b['beside']})} | {_shown(b)} | "
                        f"{b['ratio']:.2f}x | {'met' if ok else 'MISSED'} |")
            continue
        if b is not None and b["value"] is None and a and a["value"] and b.get("at_least"):
            # Stopped at the larger size: what it had used by then is a lower bound.
            ratio, ok = growth_verdict(b["kind"], a["value"], b["at_least"], factor)
            ratio, verdict = f"> {ratio}", "MISSED" if ok is False else "stopped"
        elif b is None or b["value"] is None:  # stopped or not measured at the larger size
            ratio, verdict = "", "MISSED" if b else ""
        elif b.get("beside"):
            # The smaller register's command ran right before this one, in the larger run:
            # the pair is judged (the medians of their runs, where it kept them), and shown.
            a, b = {**b, "value": b["beside"]}, {**b, "value": b.get("paired", b["value"])}
            ratio, ok = growth_verdict(b["kind"], a["value"], b["value"], factor)
            verdict = _verdict(ok)
        elif a is None or a["value"] is None:
            ratio, verdict = "", ""
        else:
            ratio, ok = growth_verdict(b["kind"], a["value"], b["value"], factor)
            verdict = _verdict(ok)
            if b["kind"] == "rate" and paired:
                verdict = "shown"  # two runs at different moments: judged from the pair
        rows.append(f"| {name} | {_shown(a)} | {_shown(b)} | {ratio} | {verdict} |")
    return [
        GROWTH_HEADING,
        "",
        f"The same measures on a register {factor:g} times larger: {large['activities']:,} "
        f"activities and {large['organisations']:,} organisations, run by "
        f"`{large['command']}` on {large['date']} (commit {large.get('code', 'unknown')}"
        f"{laid_out(large)}), beside the {small['activities']:,}-activity run above "
        f"({small['date']}, commit {small.get('code', 'unknown')}{laid_out(small)}). "
        f"Growth is the larger register's value over the "
        f"smaller's. No worse than linear (DESIGN.md section 6, \"Growth\"): a time at most "
        f"{factor:g} times longer, a peak memory under {MEMORY_TARGET_MB} MB, the same number "
        f"of queries for a page or a lookup and at most {factor:g} times as many for a whole "
        f"register (read a chunk at a time), a throughput at least 0.8 times the smaller "
        f"register's" + (
            ", judged from the larger run's slices, where the smaller register was served "
            "alternately with it (each run's own throughput, measured at another moment of a "
            "shared machine, is shown, not judged)" if paired else "")
        + (". The times of the exports, the imports and the report are judged the same way: "
           "in the larger run, each command ran on the smaller register right before it ran "
           "on the larger one, and the growth table shows that pair (the smaller run's own "
           "times, measured at another moment, are in its table above)"
           + ("; where a command ran several times on each register, the pair is the median "
              "of each register's runs, not the least: a run ten times shorter more often "
              "falls between two of a shared machine's slow spells, so the least of its runs "
              "is the luckier, and a ratio of the least would make a linear command look "
              "worse than linear (the tables of each run give the least)" if medians else "")
           if commands_paired else "")
        + (f". \"{SAME_WORK}\" is the CSV export of as many activities as the smaller "
           "register holds, read out of the larger one (its first organisations), beside the "
           "smaller register's own CSV export: the same work, so its ratio (shown, not judged) "
           "is what an activity costs more, or less, for being in the larger register"
           if f"{SAME_WORK}: time" in large["measures"] else "")
        + ". Times are wall-clock; the CPU time of the command's own process "
        "(not the database's) is shown beside them, as it depends less on the machine's "
        "load. A command that passed the run's limits was stopped, and is shown so.",
        "",
        f"Load average (1, 5, 15 min) of the larger run when it began: "
        f"{large['load_average']['start']}; when it ended: {large['load_average']['end']}. "
        + (f"Generating its register took {large['generate_seconds']:.0f} s. "
           if large["generate_seconds"] else "")
        + (f"Its exports, import and report were measured {large['jobs']} at a time."
           if large.get("jobs", 1) > 1 else ""),
        "",
        f"| measure | {small['activities']:,} | {large['activities']:,} | growth | "
        f"no worse than linear |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "The full rows of the larger run:",
        "",
        *table(large["rows"]),
        "",
        *(line for note in large["notes"] for line in (note, "")),
        *(line for note in (large.get("throughput") or {}).get("notes", [])
          for line in (note, "")),
    ]


def render(results: dict) -> str:
    """docs/benchmarks.md from the results of every size: the run of DESIGN_SIZE (or of the
    smallest size measured) in full, then, when a larger size was measured, the growth to
    the largest."""
    sizes = sorted(int(size) for size in results)
    main = DESIGN_SIZE if DESIGN_SIZE in sizes else sizes[0]
    run = results[str(main)]
    lines = ["# Benchmarks", ""]
    if run.get("rows"):
        lines += main_section(run)
    if run.get("throughput"):
        lines += throughput_section(run)
    largest = results[str(sizes[-1])]
    if sizes[-1] > main and run.get("rows") and largest.get("rows"):
        lines += growth_section(run, largest)
    return "\n".join(lines).rstrip("\n") + "\n"


def save(results_file: Path, report_file: Path, activities: int, run: dict, only: str | None):
    """Keep this run's results under its size (a throughput-only run replaces only the
    throughput of that size, an instructions-only or imports-only run its own rows, in their
    places, adding those the size did not have), and render the report from the results of
    every size."""
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    if only == "throughput" and str(activities) in results:
        kept = results[str(activities)]
        kept["throughput"] = run["throughput"]
        kept.setdefault("measures", {}).update(
            (name, measure) for name, measure in run["measures"].items()
            if name.startswith("Lawful-basis lookup through gunicorn"))
    elif only == "instructions" or (only == "imports" and str(activities) in results):
        # Its rows, measures and notes put in place of their earlier ones in the run of that
        # size, or added to it.
        kept = results[str(activities)]
        new = {row[0]: row for row in run["rows"]}
        rows = [new.pop(row[0], row) for row in kept["rows"]]
        kept["rows"] = rows + [row for row in run["rows"] if row[0] in new]
        kept.setdefault("measures", {}).update(run["measures"])
        kept["notes"] = [n for n in kept["notes"] if n not in run["notes"] and not (
            only == "imports" and n.startswith((IMPORTS_MEASURED_BY, IMPORTS_REPEATED)))] + run["notes"]
    else:
        results[str(activities)] = run
    results_file.write_text(json.dumps(results, indent=1) + "\n")
    report_file.write_text(render(results))


#: How the note of an imports-only run begins (its rows then come from another run than the
#: rest of their size's).
IMPORTS_MEASURED_BY = "The rows of the import were measured by "
IMPORTS_REPEATED = "The import and the unchanged re-import ran "


def command_line() -> str:
    """How this run was started, as `make bench` takes it."""
    return f'make bench BENCH_ARGS="{" ".join(sys.argv[1:])}"' if sys.argv[1:] else "make bench"


def forwarded(args, activities: int, organisations: int, throughput: str) -> list[str]:
    """The command line of one size of a growth run."""
    return [sys.executable, str(Path(__file__).resolve()), "--activities", str(activities),
            "--organisations", str(organisations), "--rounds", str(args.rounds),
            "--slice-seconds", str(args.slice_seconds), "--throughput", throughput,
            "--timeout", str(args.timeout), "--memory-limit", str(args.memory_limit),
            "--formats", args.formats, "--jobs", str(args.jobs), "--repeat", str(args.repeat),
            "--layout", args.layout, "--results", str(args.results),
            "--report", str(args.report), "--command", args.command] + (
                ["--keep"] if args.keep else [])


def growth_runs(args, organisations: int, database_url: str) -> tuple[list[str], list[str]]:
    """The command lines of a growth run's two sizes. The larger register is in a database
    of its own, the smaller one kept beside it (``database_url``): its lookup is served in
    the larger run's throughput slices, its commands run right before the larger one's, and
    the instructions are counted on both at the end of the larger run."""
    smaller = forwarded(args, args.activities, organisations, args.throughput)
    larger = forwarded(args, args.growth_activities, args.growth_organisations,
                       "none" if args.throughput == "none" else "lookup")
    larger += ["--beside-database", database_url]
    if args.instructions:
        larger += ["--instructions", args.instructions]
    return smaller, larger


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=DESIGN_SIZE)
    parser.add_argument("--organisations", type=int,
                        help="organisations of the register (default: one per 500 activities, "
                             "at least one)")
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--layout", choices=LAYOUTS, default="together",
                        help="where each organisation's rows lie in a generated register "
                             "(generate_register --layout): together, as entered or imported "
                             "organisation by organisation, or in rotation, row by row")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of throughput slices (each load --slice-seconds per round)")
    parser.add_argument("--slice-seconds", type=int, default=3)
    parser.add_argument("--throughput", choices=["full", "lookup", "none"], default="full",
                        help="through gunicorn: the lookup, the bare view and every way of "
                             "reaching the database (full), the lookup and the bare view, "
                             "or nothing")
    parser.add_argument("--only", choices=["throughput", "exports", "imports", "instructions"],
                        help="throughput: measure only the throughput through gunicorn (after "
                             "the in-process rows, which it needs), and replace only its "
                             "results; exports: measure only the exports of --formats (each "
                             "alone in a fresh process) and print them, nothing written; "
                             "imports: measure only the import of the workbook and its "
                             "re-imports (each step right after --beside-database's), and "
                             "replace only their rows in this size's results; "
                             "instructions: count only the --instructions of this register "
                             "and of --beside-database, and add them to this size's results")
    parser.add_argument("--growth", action="store_true",
                        help=f"run --activities, then --growth-activities (default "
                             f"{GROWTH_SIZE:,} with {GROWTH_ORGANISATIONS} organisations), and "
                             f"write the growth table")
    parser.add_argument("--beside-database",
                        help="database of a smaller register measured earlier (kept): its "
                             "lookup is served in the same throughput slices, each of its "
                             "exports, imports and report runs right before this register's, "
                             "and the growth is judged from those pairs (a growth run passes "
                             "its smaller register's)")
    parser.add_argument("--growth-activities", type=int, default=GROWTH_SIZE)
    parser.add_argument("--growth-organisations", type=int, default=GROWTH_ORGANISATIONS)
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds after which an export, import or report is stopped")
    parser.add_argument("--memory-limit", type=float, default=3000,
                        help="MB of resident memory over which an export, import or report "
                             "is stopped")
    parser.add_argument("--formats", default="all",
                        help="export formats measured, comma-separated (default: all; ico-xlsx "
                             "and workbook are always measured: the as-of export and the "
                             "import need them)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="exports and reports measured at once (default 1: each alone, "
                             "as the times are meant; more shortens a run on a busy machine, "
                             "whose times are then shared)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each export, import and report (default 1), the "
                             "registers of a growth run in turn: each is judged on its "
                             "fastest run and its largest peak of memory")
    parser.add_argument("--instructions", default="",
                        help="export formats, comma-separated, whose instructions are counted "
                             "by callgrind on both registers at the end of a growth run's "
                             "larger size (bench/instructions.py; about 50 times the "
                             "export's time): the code's own growth, which the machine's "
                             "speed does not change")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE)
    parser.add_argument("--report", type=Path, default=REPORT_FILE)
    parser.add_argument("--command", help=argparse.SUPPRESS)  # how a growth run was started
    args = parser.parse_args()
    organisations = args.organisations or max(1, args.activities // 500)
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmarks run on PostgreSQL: set BENCH_DATABASE_URL.")
    if args.growth:
        if args.growth_activities <= args.activities:
            raise SystemExit(f"--growth-activities ({args.growth_activities:,}) must be more "
                             f"than --activities ({args.activities:,}).")
        args.command = args.command or command_line()
        smaller, larger = growth_runs(args, organisations, database_url)
        subprocess.run(smaller, check=True, cwd=ROOT)
        subprocess.run(larger, check=True, cwd=ROOT,
                       env={**os.environ, "BENCH_DATABASE_URL": growth_database(database_url)})
        return
    if args.only == "instructions":
        kept = json.loads(args.results.read_text()) if args.results.exists() else {}
        if not (args.instructions and args.beside_database) or str(args.activities) not in kept:
            raise SystemExit("--only instructions adds to a growth run's larger size kept in "
                             f"{args.results}: give --instructions and --beside-database, and "
                             f"--activities of a size measured there ({', '.join(kept) or 'none'}).")
        args.keep = True  # counted on the registers measured, never generated again
    LIMITS.update(timeout=args.timeout, memory_mb=args.memory_limit)
    if args.repeat < 1:
        raise SystemExit(f"--repeat must be 1 or more, not {args.repeat}.")
    RUNS["repeat"] = args.repeat
    if args.repeat > 1:
        NOTES.append(
            (IMPORTS_REPEATED if args.only == "imports"
             else "Each export, import and report ran ") + f"{args.repeat} times"
            + (", on each register in turn" if args.beside_database else "")
            + ": its time and CPU time are the least of its runs (a shared machine only slows "
            "a run down), its peak memory the largest"
            + ("; the growth table compares the medians of each register's runs"
               if args.beside_database else "")
            + ". The re-import with 1,000 activities renamed ran once, since it changes the "
            "register.")
    setup_django(database_url)  # no connection yet: the database may be recreated below
    from processing.exports.registry import FORMATS

    asked = set(FORMATS) if args.formats == "all" else {
        f.strip() for f in args.formats.split(",") if f.strip()}
    if asked - set(FORMATS):
        raise SystemExit(f"--formats: unknown format {sorted(asked - set(FORMATS))[0]!r}: use "
                         f"{', '.join(FORMATS)}.")
    wanted = asked | {"ico-xlsx", "workbook"}
    counted = [f.strip() for f in args.instructions.split(",") if f.strip()]
    unknown = set(counted) - set(FORMATS) - {IMPORT_COUNTED}
    if unknown:
        raise SystemExit(f"--instructions: unknown {sorted(unknown)[0]!r}: "
                         f"use {', '.join(FORMATS)} or {IMPORT_COUNTED}.")
    load_at_start, code = load_average(), code_version()  # the code measured

    generate_seconds = 0.0
    if not args.keep:
        migrated = migrated_database(database_url)
        recreate_database(database_url, template=migrated)
        # The import's empty database, migrated too.
        recreate_database(import_database(database_url), template=migrated)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "generate_register",
                        "--activities", str(args.activities),
                        "--organisations", str(organisations),
                        "--third-parties", str(THIRD_PARTIES_PER_ORGANISATION * organisations),
                        "--layout", args.layout],
                       env=env_for(database_url), check=True, cwd=ROOT)
        generate_seconds = time.perf_counter() - started

    # As `make install` does for the dependencies: no process measured here compiles the
    # app from source when it starts, whatever PYTHONDONTWRITEBYTECODE says.
    import compileall

    for package in ("ropa", "processing", "entities", "reports", "packs", "campaigns", "notices", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]
    print(f"{'measure':<58} {'value':>22}  {'target':<22}")
    if args.only == "instructions":
        connection.close()
        counted_instructions(args.beside_database, database_url, counted)
        save(args.results, args.report, args.activities,
             {"rows": RESULTS, "notes": NOTES, "measures": MEASURES}, args.only)
        return
    if args.only == "exports":
        connection.close()
        with tempfile.TemporaryDirectory() as tmp:
            exports_alone(database_url, Path(tmp), [f for f in FORMATS if f in asked],
                          args.activities)
        return
    command = args.command or command_line()
    if args.only == "imports":
        connection.close()
        args.throughput = "none"
        with tempfile.TemporaryDirectory() as tmp:
            imports_alone(database_url, Path(tmp), args.activities, prepared=not args.keep,
                          beside=args.beside_database)
        NOTES.insert(0, f"{IMPORTS_MEASURED_BY}`{command}` on "
                     f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, PostgreSQL "
                     f"{pg_version}, machine: {machine()}.")
    else:
        activity_id = in_process(database_url, args.activities)
        connection.close()
    if args.throughput != "none":
        throughput(database_url, activity_id, args.rounds, ways=args.throughput == "full",
                   seconds=args.slice_seconds, beside=args.beside_database)
    if args.only is None:
        with tempfile.TemporaryDirectory() as tmp:
            commands(database_url, Path(tmp), args.activities,
                     [f for f in FORMATS if f in wanted], jobs=args.jobs,
                     import_prepared=not args.keep, beside=args.beside_database)
    if args.instructions and args.beside_database and args.only != "imports":
        counted_instructions(args.beside_database, database_url, counted)
    today = f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"  # when it ended
    run = {
        "activities": args.activities, "organisations": organisations, "date": today,
        "command": command, "code": code, "pg_version": pg_version,
        "machine": machine(),
        "generate_seconds": generate_seconds, "jobs": args.jobs, "runs": organisation_runs(),
        "load_average": {"start": load_at_start, "end": load_average()},
        "rows": RESULTS, "notes": NOTES, "measures": MEASURES,
        "throughput": {
            "rows": THROUGHPUT, "notes": THROUGHPUT_NOTES,
            "measured_by": "the run above" if args.only is None else (
                f"`{command}` on {today}, register of {args.activities:,} activities, "
                f"PostgreSQL {pg_version}, machine: {machine()}"),
        } if args.throughput != "none" else None,
    }
    save(args.results, args.report, args.activities, run, args.only)
    print(f"\nResults kept in {args.results}; report written to {args.report}")
    missed = [m for m, _, _, ok in RESULTS + THROUGHPUT if ok == "MISSED"]
    if missed:
        print("Missed targets:", *missed, sep="\n  ")


if __name__ == "__main__":
    main()
