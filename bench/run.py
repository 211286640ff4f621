"""Benchmarks of DESIGN.md section 6 on a synthetic register of 10,000 activities.

    make bench            # or: .venv/bin/python bench/run.py [--activities N] [--keep]
    .venv/bin/python bench/run.py --only throughput --activities 2000   # gunicorn part only
    .venv/bin/python bench/run.py --keep --only exports --formats csv,ods,json  # printed only

Needs PostgreSQL (BENCH_DATABASE_URL; default postgres://postgres@127.0.0.1:5432/ropa_bench,
recreated unless --keep). Prints a table and writes it to docs/benchmarks.md with the machine it ran on.
Throughput is measured through gunicorn on loopback with wrk when installed (Debian
package ``wrk``), otherwise with a bounded Python load generator.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ropa_bench"
RESULTS: list[tuple[str, str, str, str]] = []  # (measure, value, target, verdict)
NOTES: list[str] = []  # paragraphs for the report, below the table
#: Rows and notes of the throughput section (written alone by ``--only throughput``).
THROUGHPUT: list[tuple[str, str, str, str]] = []
THROUGHPUT_NOTES: list[str] = []
THROUGHPUT_HEADING = "## Throughput through gunicorn, and the ways of reaching the database"


def record(measure: str, value: str, target: str = "", ok: bool | None = None, *,
           table: list | None = None):
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    (RESULTS if table is None else table).append((measure, value, target, verdict))
    print(f"{measure:<58} {value:>22}  {target:<22} {verdict}", flush=True)


def env_for(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="bench.settings",
               PYTHONPATH=str(ROOT))
    return env


def recreate_database(database_url: str):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


PEAK_WRAPPER = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
before = resource.getrusage(resource.RUSAGE_SELF)
cpu_before = before.ru_utime + before.ru_stime
started = time.perf_counter()
with CaptureQueriesContext(connection) as ctx:
    call_command(*{args!r})
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print("BENCH" + json.dumps({{"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                            "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before,
                            "queries": len(ctx)}}))
"""


#: The CNIL export as export_register makes it, but through XlsxWriter's own Workbook.
STOCK_CNIL = """
import json, resource, sys, tempfile, time
sys.path.insert(0, {root!r})
import django
django.setup()
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from processing.exports import cells, cnil
from processing.register import read_register

class Stock(xlsxwriter.Workbook):
    def done(self, worksheet):  # XlsxWriter's own way: each sheet's file open until close()
        pass

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
before = resource.getrusage(resource.RUSAGE_SELF)
cpu_before = before.ru_utime + before.ru_stime
started = time.perf_counter()
with CaptureQueriesContext(connection) as ctx:
    register = read_register(include_retired=False)
    content = cells.render_xlsx(cnil.cnil_sheets(register), workbook_class=Stock)
    with tempfile.TemporaryFile() as out:
        out.write(content)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print("BENCH" + json.dumps({{"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                            "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before,
                            "queries": len(ctx)}}))
"""


def measured_command(database_url: str, *args: str) -> dict:
    """Run a command in a fresh process; time, the CPU time of the command's process (not
    of the database server), peak RSS and SQL query count."""
    return measured_code(database_url, PEAK_WRAPPER, list(args))


def measured_code(database_url: str, wrapper: str, args: list[str] | None = None) -> dict:
    """Run ``wrapper`` (which prints BENCH and its measures) in a fresh process."""
    code = wrapper.format(root=str(ROOT), args=args)
    proc = subprocess.run([sys.executable, "-c", code], env=env_for(database_url),
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        what = " ".join(args) if args else "measured code"
        raise SystemExit(f"{what} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("BENCH"))
    return json.loads(line[5:])


def setup_django(database_url: str):
    os.environ.update(env_for(database_url))
    import django

    django.setup()


def in_process(database_url: str, activities: int):
    """Query counts and latency with Django's test client, on the benchmark database."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from processing.models import ProcessingActivity
    from ropa.wsgi import tune_gc

    tune_gc()  # as the production WSGI entry point does
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={
        "is_staff": True, "is_superuser": True})
    client = Client()
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

    counts = {}
    for size in (1, 10, 100):
        median, queries = timed(f"/api/v1/activities/?page_size={size}", 15)
        counts[size] = queries
        record(f"API list, page size {size}: queries", str(queries), "<= 12", queries <= 12)
        if size == 100:
            record("API list, page size 100: median", f"{median:.0f} ms", "< 150 ms", median < 150)
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

    activity = ProcessingActivity.objects.order_by("pk")[activities // 2]
    median, queries = timed(f"/api/v1/activities/{activity.pk}/lawful-basis/", 50)
    record("Lawful-basis lookup: queries (session auth)", str(queries), "<= 3 (token)", None)
    record("Lawful-basis lookup: median in process", f"{median:.1f} ms", "", None)

    median, queries = timed("/admin/processing/processingactivity/", 10)
    record("Admin change list (10,000): queries", str(queries), "constant", None)
    record("Admin change list (10,000): median", f"{median:.0f} ms", "< 500 ms", median < 500)

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
    record("Admin dashboard (10,000): queries", str(queries), "constant per 500 activities", None)
    record("Admin dashboard (10,000): median", f"{median / 1000:.1f} s", "", None)
    return activity.pk


def token_for_bench() -> str:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.get(username="bench-admin")
    return Token.objects.get_or_create(user=user)[0].key


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


def throughput(database_url: str, activity_id: int, rounds: int):
    """The lookup and the bare view through gunicorn (bench/throughput.py), then the lookup
    served each way of DATABASE_WAYS, all in the same alternating slices.

    One worker per core is the measure: here the database shares the cores, and more
    workers only take turns on them. gunicorn's default for a web machine whose database is
    elsewhere, 2 x cores + 1 (ropa/gunicorn.py), is measured alongside."""
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
    ways = [Load(f"Lookup, {label}", Server(cores, tuple(sorted(env.items()))), api_path)
            for label, env in DATABASE_WAYS if env]
    loads = [api, raw, wide, *ways]
    load_average = ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    slices = measure(env_for(database_url), loads, token, rounds=rounds)

    row = functools.partial(record, table=THROUGHPUT)

    def cpu(each: Load) -> str:
        return (f"{slices.cpu_ms(each):.2f} ms CPU/request "
                f"({slices.cpu_ratio(each, raw):.2f}x the bare view's)")

    api_rps, ratio = slices.median(api), slices.ratio(raw, api)
    row(api.label, f"{api_rps:.0f} req/s; {cpu(api)}", ">= 1,000 req/s", api_rps >= 1000)
    row(raw.label, f"{slices.median(raw):.0f} req/s; {slices.cpu_ms(raw):.2f} ms CPU/request")
    row("Bare view / API lookup", f"{ratio:.2f}x", "<= 2x", ratio <= 2)
    row(wide.label, f"{slices.median(wide):.0f} req/s; {cpu(wide)}")
    for each in ways:
        rps, ratio = slices.median(each), slices.ratio(raw, each)
        row(each.label, f"{rps:.0f} req/s, bare view / lookup {ratio:.2f}x; {cpu(each)}",
            ">= 1,000 req/s, <= 2x", rps >= 1000 and ratio <= 2)
    spread = "; ".join(", ".join(f"{rps:.0f}" for rps in each) for each in slices.rounds)
    cpu_spread = "; ".join(", ".join(f"{ms:.2f}" for ms in each) for each in slices.cpu)
    THROUGHPUT_NOTES.append(
        f"Throughput: {tool()} on loopback (2 threads, 16 connections) in alternating 3-second "
        f"slices, every row once per round, {rounds} rounds; the table gives the medians, and "
        f"each ratio is the median of the rounds' ratios (each pair ran seconds apart). "
        f"Load average of the machine when the slices began (1, 5, 15 min): {load_average}. "
        f"CPU per request is the CPU time of the server's gunicorn workers and of their "
        f"PostgreSQL backends during the slice, divided by its requests (wrk's own is not "
        f"counted). Order of the rows in a round: {'; '.join(e.label for e in loads)}. "
        f"Per round, req/s: {spread}. Per round, CPU ms/request: {cpu_spread}.")
    print(f"  ({THROUGHPUT_NOTES[-1]})", flush=True)


#: Every format of DESIGN.md section 6, each held to 10 s and 300 MB at 10,000 activities.
EXPORT_FORMATS = ("ico-xlsx", "workbook", "csv", "ods", "json", "cnil-xlsx", "jsonld", "pdf")


def exports(database_url: str, workdir: Path, formats=EXPORT_FORMATS) -> Path:
    current = {}
    for fmt in formats:
        out = workdir / f"register.{fmt}"
        load = ", ".join(Path("/proc/loadavg").read_text().split()[:3])
        result = measured_command(database_url, "export_register", "--format", fmt, "-o", str(out))
        current[fmt] = result["seconds"]
        record(f"Export {fmt}: time", f"{result['seconds']:.1f} s ({result['cpu_seconds']:.1f} s "
               f"CPU; load {load})", "< 10 s", result["seconds"] < 10)
        record(f"Export {fmt}: peak memory", f"{result['peak_mb']:.0f} MB", "< 300 MB",
               result["peak_mb"] < 300)
        record(f"Export {fmt}: queries", str(result["queries"]), "constant", None)
    if "cnil-xlsx" in current:
        # The CNIL layout's thousands of sheets through XlsxWriter's stock Workbook (its
        # name check walks every sheet; each sheet's file stays open until the end), in the
        # same run as the kept path (processing.exports.cells.Workbook, docs/architecture.md).
        load = ", ".join(Path("/proc/loadavg").read_text().split()[:3])
        result = measured_code(database_url, STOCK_CNIL)
        record("Export cnil-xlsx, XlsxWriter's stock Workbook: time",
               f"{result['seconds']:.1f} s ({result['cpu_seconds']:.1f} s CPU; load {load})")
        record("Export cnil-xlsx, XlsxWriter's stock Workbook: peak memory",
               f"{result['peak_mb']:.0f} MB")
        record("Export cnil-xlsx, cells.Workbook (kept): time", f"{current['cnil-xlsx']:.1f} s")
    if "ico-xlsx" in current:
        today = datetime.date.today().isoformat()
        result = measured_command(database_url, "export_register", "--format", "ico-xlsx",
                                  "--as-of", today, "-o", str(workdir / "asof.xlsx"))
        ratio = result["seconds"] / current["ico-xlsx"]
        record("As-of export (ico-xlsx): time", f"{result['seconds']:.1f} s ({ratio:.1f}x)",
               "< 3x current", ratio < 3)
    return workdir / "register.workbook"


def import_workbook(database_url: str, workbook: Path):
    # Beside the bench's own database, named after it: two runs on other databases never meet.
    target = database_url + "_import"
    recreate_database(target)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
                   env=env_for(target), check=True, cwd=ROOT)
    result = measured_command(target, "import_register", str(workbook))
    record("Import of the 10,000-activity workbook", f"{result['seconds']:.1f} s", "< 60 s",
           result["seconds"] < 60)
    record("Import of the 10,000-activity workbook: peak memory", f"{result['peak_mb']:.0f} MB")
    # A DPO's round trip: the same workbook again (nothing changes, nothing is written),
    # then with 1,000 activities renamed (those are updated in bulk: one version and one
    # history row each).
    before = history_rows(target)
    result = measured_command(target, "import_register", str(workbook))
    written = history_rows(target) - before
    record("Re-import, unchanged", f"{result['seconds']:.1f} s ({result['cpu_seconds']:.1f} s CPU), "
           f"{result['peak_mb']:.0f} MB",
           "< 30 s, < 400 MB", result["seconds"] < 30 and result["peak_mb"] < 400)
    record("Re-import, unchanged: history rows written", str(written), "0", written == 0)
    before = history_rows(target, "processing_historicalprocessingactivity")
    result = measured_command(target, "import_register", str(renamed(workbook, 1000)))
    written = history_rows(target, "processing_historicalprocessingactivity") - before
    record("Re-import, 1,000 activities renamed", f"{result['seconds']:.1f} s ({result['cpu_seconds']:.1f} s "
           f"CPU), {result['peak_mb']:.0f} MB", "< 20 s", result["seconds"] < 20)
    record("Re-import, 1,000 activities renamed: activity history rows written", str(written),
           "1000", written == 1000)


def history_rows(database_url: str, table: str | None = None) -> int:
    """Rows of one history table, or of every history table (links' history included)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [table] if table else [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE '%historical%'")]
        return sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)


def renamed(workbook: Path, count: int) -> Path:
    """A copy of ``workbook`` with the first ``count`` activities renamed."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()))  # any file name
    sheet = book["Activities"]
    column = [cell.value for cell in sheet[1]].index("Name")
    for row in sheet.iter_rows(min_row=2, max_row=count + 1):
        row[column].value = f"{row[column].value} (revised)"
    out = workbook.with_name(f"renamed-{count}.xlsx")
    book.save(out)
    return out


def health_report(database_url: str):
    result = measured_command(database_url, "run_report", "health")
    record("Health report over the whole register", f"{result['seconds']:.1f} s", "< 15 s",
           result["seconds"] < 15)


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


def throughput_section(activities: int, pg_version: str, only: bool) -> list[str]:
    how = (f"`bench/run.py --only throughput --activities {activities}` on "
           f"{datetime.date.today().isoformat()}, register of {activities:,} activities, "
           f"PostgreSQL {pg_version}, machine: {machine()}" if only else "the run above")
    return [
        THROUGHPUT_HEADING,
        "",
        f"Measured by {how}. The lookup reads one activity, so its throughput does not "
        "depend on the size of the register.",
        "",
        *table(THROUGHPUT),
        "",
        *(line for note in THROUGHPUT_NOTES for line in (note, "")),
    ]


def write_report(activities: int, generate_seconds: float, pg_version: str, only: str):
    path = ROOT / "docs" / "benchmarks.md"
    if only == "throughput":
        before = path.read_text().split(f"\n{THROUGHPUT_HEADING}\n")[0].rstrip("\n")
        path.write_text("\n".join([before, "", *throughput_section(activities, pg_version,
                                                                    True)]))
        return
    lines = [
        "# Benchmarks",
        "",
        f"Run by `make bench` on {datetime.date.today().isoformat()}: synthetic register of "
        f"{activities:,} activities (`generate_register`, shape of DESIGN.md section 6), "
        f"PostgreSQL {pg_version}.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Generating the register took {generate_seconds:.0f} s.",
        "",
        "Timings depend on the machine as much as on the code: the generation time and the "
        "bare Django view below change only with the machine, so compare them between two "
        "runs before comparing the rest. Query counts, peak memory and the ratio of the API "
        "lookup to the bare view depend on the code alone.",
        "",
        *table(RESULTS),
        "",
        *(line for note in NOTES for line in (note, "")),
        *throughput_section(activities, pg_version, False),
    ]
    path.write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of throughput slices (each load 3 s per round)")
    parser.add_argument("--only", choices=["throughput", "exports"],
                        help="throughput: measure only the throughput through gunicorn (after "
                             "the in-process rows, which it needs), and rewrite only its "
                             "section; exports: measure only the exports (each format alone in "
                             "a fresh process) and print them, docs/benchmarks.md untouched")
    parser.add_argument("--formats", default=",".join(EXPORT_FORMATS),
                        help="with --only exports: the formats to measure, comma-separated")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if not database_url.startswith("postgres"):
        raise SystemExit("The benchmarks run on PostgreSQL: set BENCH_DATABASE_URL.")

    generate_seconds = 0.0
    if not args.keep:
        recreate_database(database_url)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
                       env=env_for(database_url), check=True, cwd=ROOT)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "generate_register",
                        "--activities", str(args.activities)],
                       env=env_for(database_url), check=True, cwd=ROOT)
        generate_seconds = time.perf_counter() - started

    # As `make install` does for the dependencies: no process measured here compiles the
    # app from source when it starts, whatever PYTHONDONTWRITEBYTECODE says.
    import compileall

    for package in ("ropa", "processing", "entities", "reports", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    setup_django(database_url)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]
    print(f"{'measure':<58} {'value':>22}  {'target':<22}")
    if args.only == "exports":
        connection.close()
        formats = [f.strip() for f in args.formats.split(",") if f.strip()]
        unknown = sorted(set(formats) - set(EXPORT_FORMATS))
        if unknown:
            raise SystemExit(f"--formats: unknown format {unknown[0]!r}: use "
                             f"{', '.join(EXPORT_FORMATS)}.")
        with tempfile.TemporaryDirectory() as tmp:
            exports(database_url, Path(tmp), formats)
        return
    activity_id = in_process(database_url, args.activities)
    connection.close()
    throughput(database_url, activity_id, args.rounds)
    if args.only is None:
        with tempfile.TemporaryDirectory() as tmp:
            workbook = exports(database_url, Path(tmp))
            import_workbook(database_url, workbook)
        health_report(database_url)
    write_report(args.activities, generate_seconds, pg_version, args.only)
    print(f"\nWritten to {ROOT / 'docs' / 'benchmarks.md'}")
    missed = [m for m, _, _, ok in RESULTS + THROUGHPUT if ok == "MISSED"]
    if missed:
        print("Missed targets:", *missed, sep="\n  ")


if __name__ == "__main__":
    main()
