"""The growth run of the benchmarks (bench/run.py --growth): results kept per size, the
report rendered with both sizes side by side and the growth of each measure."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run

ROOT = Path(__file__).resolve().parents[2]


def _run(activities: int, measures: dict, **extra) -> dict:
    return {
        "activities": activities, "organisations": activities // 500, "date": "2026-11-30",
        "command": "make bench", "pg_version": "15", "machine": "2 cores",
        "generate_seconds": 1.0, "load_average": {"start": "1.00, 1.00, 1.00", "end": "1.00"},
        "rows": [("Export csv: time", "1.0 s", "< 10 s", "met")], "notes": [],
        "measures": {name: {"kind": kind, "unit": unit, "value": value}
                     for name, (kind, unit, value) in measures.items()},
        "throughput": {"rows": [], "notes": [], "measured_by": "the run above"}, **extra,
    }


@pytest.mark.parametrize(("kind", "small", "large", "linear"), [
    ("time", 2.0, 20.0, True), ("time", 2.0, 20.5, False),
    ("memory", 150.0, 299.0, True), ("memory", 150.0, 300.0, False),
    ("queries", 12, 12, True), ("queries", 12, 13, False),
    ("count", 12, 120, True), ("count", 12, 121, False),
    ("rate", 1000.0, 800.0, True), ("rate", 1000.0, 700.0, False),
    ("instructions", 15e9, 150e9, True), ("instructions", 15e9, 151e9, False),
])
def test_growth_is_judged_no_worse_than_linear_per_kind_of_measure(kind, small, large, linear):
    ratio, ok = run.growth_verdict(kind, small, large, 10)
    assert ok is linear
    assert ratio == f"{large / small:.2f}x"


def test_a_run_of_one_size_keeps_the_other_sizes_results_and_renders_the_growth(tmp_path):
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    small = _run(10_000, {"Export csv: time": ("time", "s", 2.0),
                          "Export csv: peak memory": ("memory", "MB", 150.0),
                          "API list, page size 100: queries": ("queries", "", 12),
                          "Export ods: time": ("time", "s", 5.0)})
    large = _run(100_000, {"Export csv: time": ("time", "s", 25.0),
                           "Export csv: peak memory": ("memory", "MB", 180.0),
                           "API list, page size 100: queries": ("queries", "", 12),
                           "Export ods: time": ("time", "s", None)})  # stopped

    run.save(results, report, 10_000, small, None)
    assert "## Growth" not in report.read_text()  # one size: nothing to compare
    run.save(results, report, 100_000, large, None)
    again = _run(10_000, {**{k: (m["kind"], m["unit"], m["value"])
                             for k, m in small["measures"].items()},
                          "Export csv: time": ("time", "s", 2.5)})
    run.save(results, report, 10_000, again, None)  # the 10,000 run again: 100,000 kept

    kept = json.loads(results.read_text())
    assert set(kept) == {"10000", "100000"}
    assert kept["100000"]["measures"]["Export csv: time"]["value"] == 25.0
    text = report.read_text()
    assert text.index("| measure | value |") < text.index(run.GROWTH_HEADING)
    assert "| measure | 10,000 | 100,000 | growth | no worse than linear |" in text
    assert "| Export csv: time | 2.5 s | 25.0 s | 10.00x | met |" in text
    assert "| Export csv: peak memory | 150 MB | 180 MB | 1.20x | met |" in text
    assert "| API list, page size 100: queries | 12 | 12 | 1.00x | met |" in text
    assert "| Export ods: time | 5.0 s | stopped |  | MISSED |" in text

    slower = _run(100_000, {"Export csv: time": ("time", "s", 26.0)})
    run.save(results, report, 100_000, slower, None)
    assert "| Export csv: time | 2.5 s | 26.0 s | 10.40x | MISSED |" in report.read_text()


def test_a_command_run_on_both_registers_in_the_larger_run_is_judged_from_that_pair(tmp_path):
    """The smaller run, an hour earlier on a quicker moment of the machine, took 2.0 s; in
    the larger run the smaller register's export took 2.6 s right before the larger's
    25.0 s. The pair is judged (9.62x, met), not the two runs (12.50x)."""
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    small = _run(10_000, {"Export csv: time": ("time", "s", 2.0),
                          "Export csv: CPU time": ("time", "s", 1.8),
                          "Export ods: time": ("time", "s", 4.0)})
    large = _run(100_000, {"Export csv: time": ("time", "s", 25.0),
                           "Export csv: CPU time": ("time", "s", 23.0),
                           "Export ods: time": ("time", "s", 38.0)})
    large["measures"]["Export csv: time"]["beside"] = 2.6
    large["measures"]["Export csv: CPU time"]["beside"] = 2.2
    run.save(results, report, 10_000, small, None)
    run.save(results, report, 100_000, large, None)

    text = report.read_text()
    assert "| Export csv: time | 2.6 s | 25.0 s | 9.62x | met |" in text
    assert "| Export csv: CPU time | 2.2 s | 23.0 s | 10.45x | MISSED |" in text
    assert "| Export ods: time | 4.0 s | 38.0 s | 9.50x | met |" in text  # not paired
    assert "right before it ran on the larger one" in text


def test_instructions_counted_on_both_registers_are_judged_as_a_pair(tmp_path):
    """Counted by callgrind in the larger run, on both registers: the pair is judged, its
    counts in billions, and the note says what the count is."""
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    label = "Export csv: instructions (callgrind)"
    small = _run(10_000, {"Export csv: time": ("time", "s", 2.0)})
    large = _run(100_000, {"Export csv: time": ("time", "s", 21.0),
                           label: ("instructions", "", 152_000_000_000)})
    large["measures"][label]["beside"] = 15_250_000_000
    large["notes"] = ["Instructions (callgrind): the export run under valgrind's callgrind."]
    run.save(results, report, 10_000, small, None)
    run.save(results, report, 100_000, large, None)
    text = report.read_text()
    assert f"| {label} | 15.25 billion | 152.00 billion | 9.97x | met |" in text
    assert "| Export csv: time | 2.0 s | 21.0 s | 10.50x | MISSED |" in text
    assert "Instructions (callgrind)" in text

    large["measures"][label]["value"] = 153_000_000_000
    run.save(results, report, 100_000, large, None)
    assert f"| {label} | 15.25 billion | 153.00 billion | 10.03x | MISSED |" in report.read_text()


@pytest.mark.parametrize("instructions", ["", "csv,json"])
def test_instructions_are_counted_in_the_larger_run_only(instructions):
    import argparse

    args = argparse.Namespace(
        rounds=5, slice_seconds=3, timeout=600.0, memory_limit=1000.0, formats="all", jobs=1,
        repeat=3,
        results=Path("r.json"), report=Path("b.md"), command="make bench", keep=True,
        layout="rotation", instructions=instructions, activities=10_000, growth_activities=100_000,
        growth_organisations=200, throughput="lookup")
    url = "postgres://postgres@127.0.0.1:5432/ropa_bench"
    smaller, larger = run.growth_runs(args, 20, url)
    assert "--instructions" not in smaller and "--beside-database" not in smaller
    assert larger[larger.index("--beside-database") + 1] == url
    assert larger[larger.index("--activities") + 1] == "100000"
    for line in (smaller, larger):  # both sizes run each command as often, laid out alike
        assert line[line.index("--repeat") + 1] == "3"
        assert line[line.index("--layout") + 1] == "rotation"
    if instructions:
        assert larger[larger.index("--instructions") + 1] == instructions
    else:
        assert "--instructions" not in larger


def test_the_instruction_counter_asks_for_databases_then_a_command():
    for argv in ([], ["postgres://x/y"], ["--", "export_register"], ["postgres://x/y", "--"]):
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "instructions.py"), *argv],
                              capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 1 and "callgrind" in done.stderr, argv


def test_a_throughput_only_run_replaces_only_the_throughput_of_its_size(tmp_path):
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    run.save(results, report, 10_000, _run(10_000, {"Export csv: time": ("time", "s", 2.0)}),
             None)
    throughput = _run(10_000, {
        "Lawful-basis lookup through gunicorn: throughput": ("rate", "req/s", 900.0)},
        rows=[], throughput={"rows": [("lookup", "900 req/s", "", "")], "notes": [],
                             "measured_by": "a throughput run"})
    run.save(results, report, 10_000, throughput, "throughput")
    kept = json.loads(results.read_text())["10000"]
    assert kept["rows"] == [["Export csv: time", "1.0 s", "< 10 s", "met"]]
    assert set(kept["measures"]) == {"Export csv: time",
                                     "Lawful-basis lookup through gunicorn: throughput"}
    assert "Measured by a throughput run." in report.read_text()


def test_an_instructions_only_run_adds_its_counts_to_the_larger_sizes_results(tmp_path):
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    label = "Export json: instructions (callgrind)"
    run.save(results, report, 10_000, _run(10_000, {"Export json: time": ("time", "s", 2.0)}),
             None)
    run.save(results, report, 100_000, _run(100_000, {"Export json: time": ("time", "s", 21.0)}),
             None)
    for count in (140e9, 139e9):  # counted twice: the later count replaces the earlier
        counted = {"rows": [(label, f"{count / 1e9:.2f} billion", "", "")],
                   "notes": ["Instructions (callgrind): counted."],
                   "measures": {label: {"kind": "instructions", "unit": "", "value": count,
                                        "beside": 14e9}}}
        run.save(results, report, 100_000, counted, "instructions")
    kept = json.loads(results.read_text())["100000"]
    assert [row[0] for row in kept["rows"]] == ["Export csv: time", label]
    assert set(kept["measures"]) == {"Export json: time", label}
    assert kept["notes"] == ["Instructions (callgrind): counted."]
    text = report.read_text()
    assert f"| {label} | 14.00 billion | 139.00 billion | 9.93x | met |" in text
    assert "| Export json: time | 2.0 s | 21.0 s | 10.50x | MISSED |" in text


def test_an_imports_only_run_puts_its_rows_and_notes_in_place_of_the_kept_ones(tmp_path):
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    rows = [("Export csv: time", "1.0 s", "< 10 s", "met"),
            ("Import of the 10,000-activity workbook: time", "40.0 s", "< 60 s", "met"),
            ("Health report over the whole register: time", "5.0 s", "< 15 s", "met")]
    first = _run(10_000, {"Import of the workbook: time": ("time", "s", 40.0)}, rows=rows)
    first["notes"] = ["Each export, import and report ran 3 times."]
    run.save(results, report, 10_000, first, None)
    for seconds in (30.0, 20.0):  # measured twice: the later run's rows and notes stay
        again = {"rows": [("Import of the 10,000-activity workbook: time", f"{seconds} s",
                           "< 60 s", "met"), ("Re-import, unchanged: time", "9.0 s", "", "")],
                 "notes": [f"{run.IMPORTS_MEASURED_BY}a run of {seconds} s.",
                           f"{run.IMPORTS_REPEATED}{int(seconds)} times."],
                 "measures": {"Import of the workbook: time": {"kind": "time", "unit": "s",
                                                               "value": seconds}}}
        run.save(results, report, 10_000, {**_run(10_000, {}), **again}, "imports")
    kept = json.loads(results.read_text())["10000"]
    assert [row[:2] for row in kept["rows"]] == [
        ["Export csv: time", "1.0 s"], ["Import of the 10,000-activity workbook: time", "20.0 s"],
        ["Health report over the whole register: time", "5.0 s"],
        ["Re-import, unchanged: time", "9.0 s"]]
    assert kept["measures"]["Import of the workbook: time"]["value"] == 20.0
    assert kept["notes"] == ["Each export, import and report ran 3 times.",
                             f"{run.IMPORTS_MEASURED_BY}a run of 20.0 s.",
                             f"{run.IMPORTS_REPEATED}20 times."]


def test_an_instructions_only_run_needs_a_larger_size_measured_already(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "instructions",
         "--activities", "100000", "--keep", "--instructions", "csv",
         "--beside-database", "postgres://postgres@127.0.0.1:5432/ropa_bench",
         "--results", str(tmp_path / "results.json"), "--report", str(tmp_path / "b.md")],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ropa")})
    assert done.returncode == 1
    assert "--only instructions adds to a growth run's larger size" in done.stderr
    assert not (tmp_path / "results.json").exists()


def test_growth_run_at_a_tiny_scale(tmp_path):
    """``--growth`` end to end: two registers generated and measured (the exports, imports
    and report each in their own process), both kept, the growth table written."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the benchmarks run on PostgreSQL: run with DATABASE_URL=postgres://...")
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    env = {**os.environ, "BENCH_DATABASE_URL": f"{url.rsplit('/', 1)[0]}/"
           f"{url.rsplit('/', 1)[1]}_growth_test"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--growth", "--activities", "50",
         "--organisations", "2", "--growth-activities", "100", "--growth-organisations", "4",
         "--throughput", "none", "--formats", "json", "--results", str(results),
         "--report", str(report)], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]

    kept = json.loads(results.read_text())
    assert [(r["activities"], r["organisations"]) for r in kept.values()] == [(50, 2), (100, 4)]
    text = report.read_text()
    assert "| measure | 50 | 100 | growth | no worse than linear |" in text
    growth = text.split(run.GROWTH_HEADING)[1]
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]*) \| ([^|]*) \|$", growth,
                      re.MULTILINE)
    measured = {name: rest for name, *rest in rows if name not in ("measure", "---")}
    for name in ("Export json: time", "Export workbook: peak memory", "Import of the workbook: time",
                 "Re-import, unchanged: time", "Health report: time",
                 "API list, page size 100: median", "Admin change list: queries"):
        assert re.fullmatch(r"\d+\.\d\dx", measured[name][2]), (name, measured[name])
        assert measured[name][3] in ("met", "MISSED")
    # The list reads a page in the same queries whatever the size of the register.
    assert measured["API list, page size 100: queries"][2:] == ["1.00x", "met"]
    assert "Export ods: time" not in measured  # formats not asked for are not measured
    # Each command of the smaller register ran again right before the larger's, and the
    # growth is judged from that pair.
    for name in ("Export json: time", "Export workbook: CPU time", "Import of the workbook: time",
                 "Re-import, unchanged: time", "Health report: time"):
        assert kept["100"]["measures"][name]["beside"] > 0, name
        beside = kept["100"]["measures"][name]["beside"]
        assert measured[name][0] == f"{beside:.1f} s", (name, measured[name])
    assert "right before it ran on the larger one" in text
    # Each organisation's activities were generated together: as many runs as organisations.
    assert [r["runs"] for r in kept.values()] == [2, 4]
    assert "each organisation's activities together: 2 runs" in text
    assert "each organisation's activities together: 4 runs" in growth
    # The CSV export was not asked for: no export of the same work out of the larger one.
    assert f"{run.SAME_WORK}: time" not in measured


def test_a_measured_command_reports_its_own_peak_not_the_benchmarks(tmp_path):
    """The command runs in a process forked from the benchmark's own: its peak memory is its
    own, however large the benchmark has grown (ru_maxrss would carry the parent's over)."""
    ballast = bytearray(os.urandom(1024)) * (300 * 1024)  # 300 MB, every page touched
    own = run._rss_mb(os.getpid())
    assert own > 300
    script = tmp_path / "peak.py"
    script.write_text(run.PEAK_WRAPPER.format(root=str(ROOT), args=["check"], prelude="")
                      .replace("import django\ndjango.setup()", "import django")
                      .replace("call_command(*['check'])", "pass")
                      .replace("with CaptureQueriesContext(connection) as ctx:",
                               "class ctx: pass\nif True:")
                      .replace('"queries": len(ctx)', '"queries": 0'))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "ropa.settings.test"})
    measured = json.loads(out.stdout.strip().split("BENCH", 1)[1])
    del ballast
    assert measured["peak_mb"] < own / 2


def test_the_lookups_growth_is_judged_from_the_slices_both_registers_shared(tmp_path):
    """Two runs half an hour apart measure the machine's neighbours as much as the register:
    where the larger run served the smaller register beside it, the growth row is that pair's,
    and the runs' own throughputs are shown, not judged."""
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    own = "Lawful-basis lookup through gunicorn: throughput"
    run.save(results, report, 10_000, _run(10_000, {own: ("rate", "req/s", 1549.0)}), None)
    large = _run(100_000, {own: ("rate", "req/s", 682.0)})
    large["measures"][run.PAIRED_THROUGHPUT] = {
        "kind": "paired", "unit": "req/s", "value": 682.0, "beside": 700.0, "ratio": 0.97,
        "cpu_ratio": 1.02, "beside_activities": 10_000}
    run.save(results, report, 100_000, large, None)
    text = report.read_text()
    assert f"| {own} | 1,549 req/s | 682 req/s | 0.44x | shown |" in text
    assert f"| {run.PAIRED_THROUGHPUT} | 700 req/s | 682 req/s | 0.97x | met |" in text
    assert "served alternately with it" in text

    large["measures"][run.PAIRED_THROUGHPUT]["ratio"] = 0.7
    run.save(results, report, 100_000, large, None)
    assert f"| {run.PAIRED_THROUGHPUT} | 700 req/s | 682 req/s | 0.70x | MISSED |" in (
        report.read_text())
    # Without the pair, the runs' own throughputs are all there is to judge.
    del large["measures"][run.PAIRED_THROUGHPUT]
    run.save(results, report, 100_000, large, None)
    assert f"| {own} | 1,549 req/s | 682 req/s | 0.44x | MISSED |" in report.read_text()


@pytest.mark.django_db
def test_a_database_with_no_measured_register_beside_is_named_in_the_error():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run on PostgreSQL")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    with pytest.raises(SystemExit, match=r"--beside-database .*no register measured there"):
        run.beside_register(url)
    with pytest.raises(SystemExit, match=r"--beside-database .*_missing"):
        run.beside_register(url + "_missing")


@pytest.mark.parametrize("keep", [False, True])
def test_each_size_of_a_growth_run_is_started_with_the_runs_keep(keep):
    """``--growth --keep`` measures both kept registers again instead of recreating them."""
    import argparse

    args = argparse.Namespace(
        rounds=5, slice_seconds=3, timeout=600.0, memory_limit=1000.0, formats="all", jobs=1,
        repeat=3,
        results=Path("r.json"), report=Path("b.md"), command="make bench", keep=keep,
        layout="together")
    line = run.forwarded(args, 100_000, 200, "lookup")
    assert ("--keep" in line) is keep
    assert line[line.index("--activities") + 1] == "100000"


def _measured(seconds, cpu, peak, **extra):
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "queries": 52,
            "load": "1.00", **extra}


def test_a_command_run_several_times_is_measured_by_its_least_time_and_largest_peak():
    runs = [_measured(14.9, 12.3, 140.0), _measured(13.8, 11.6, 151.0),
            _measured(14.2, 11.3, 139.0)]
    best = run.fastest(runs)
    assert (best["seconds"], best["cpu_seconds"], best["peak_mb"], best["runs"]) == (
        13.8, 11.3, 151.0, 3)
    stopped = {"stopped": "stopped after 600 s (590 s CPU)", "cpu_at_least": 590.0,
               "peak_at_least": 200.0, "seconds_at_least": 600.0}
    assert run.fastest([runs[0], stopped, runs[1]]) is stopped  # a stop is never hidden


def test_repeated_runs_of_both_registers_are_paired_by_their_medians(monkeypatch):
    """Three runs on each register in turn: each side's median time is judged, whatever
    order the runs came in; the rows keep the least."""
    monkeypatch.setattr(run, "MEASURES", {"Export csv: time": {"kind": "time", "value": 13.8},
                                          "Export csv: CPU time": {"kind": "time", "value": 11.3}})
    small = [_measured(1.5, 1.2, 140.0), _measured(1.3, 1.1, 140.0), _measured(1.4, 1.15, 140.0)]
    large = [_measured(14.9, 12.3, 144.0), _measured(13.8, 11.3, 144.0),
             _measured(15.2, 12.0, 144.0)]
    run.pair("Export csv", [small, large])
    assert run.MEASURES["Export csv: time"] == {"kind": "time", "value": 13.8, "beside": 1.4,
                                                "paired": 14.9, "runs": [3, 3]}
    assert run.MEASURES["Export csv: CPU time"] == {"kind": "time", "value": 11.3,
                                                    "beside": 1.15, "paired": 12.0}
    stopped = {"stopped": "stopped after 600 s (590 s CPU)", "cpu_at_least": 590.0,
               "peak_at_least": 200.0, "seconds_at_least": 600.0}
    assert run.typical([large[0], stopped]) is stopped  # a stop is never hidden


def test_the_growth_of_repeated_runs_is_the_ratio_of_their_medians(tmp_path):
    """The smaller register's least run was a lucky one (1.83 s, its median 2.10 s): the
    least of each side would give 10.93x, their medians 9.62x, which the table judges and
    shows, saying so; the run's own rows keep the least."""
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    small = _run(10_000, {"Export csv: time": ("time", "s", 1.9)})
    large = _run(100_000, {"Export csv: time": ("time", "s", 20.0)})
    large["measures"]["Export csv: time"].update(beside=2.10, paired=20.2, runs=[3, 3])
    run.save(results, report, 10_000, small, None)
    run.save(results, report, 100_000, large, None)

    text = report.read_text()
    assert "| Export csv: time | 2.1 s | 20.2 s | 9.62x | met |" in text
    assert "the pair is the median of each register's runs, not the least" in text


def test_repeated_import_steps_alternate_between_the_registers_and_are_one_step_each(
        monkeypatch):
    """With --repeat 2 each register's import and unchanged re-import run twice, the
    smaller register's run right before the larger's, and come out as one step each with
    every run; the counts of history rows stay single."""
    order = []

    def steps(url, workbook, activities, exported, *, prepared=False):
        for n in range(2):
            order.append((url, "import", n))
            yield ("Import", "Import of the workbook", _measured(n + activities, 1, 1), 60, None)
        for n in range(2):
            order.append((url, "again", n))
            yield ("Again", "Re-import, unchanged", _measured(n + activities, 1, 1), 30, 400)
        yield ("Again: history rows written", None, 0, 0, None)

    monkeypatch.setattr(run, "import_steps", steps)
    registers = [("small", Path("s"), 10, False), ("large", Path("l"), 100, False)]
    done = run.paired_imports(registers, [[object()], [object()]])
    assert order == [("small", "import", 0), ("large", "import", 0), ("small", "import", 1),
                     ("large", "import", 1), ("small", "again", 0), ("large", "again", 0),
                     ("small", "again", 1), ("large", "again", 1)]
    assert [(label, [[r["seconds"] for r in runs] for runs in results])
            for label, growth, results, *_ in done if growth] == [
        ("Import", [[10, 11], [100, 101]]), ("Again", [[10, 11], [100, 101]])]
    assert done[-1][2] == [[0], [0]]


def test_the_same_work_out_of_the_larger_register_is_shown_beside_not_judged(tmp_path):
    """10,000 activities exported out of the 100,000-activity register took 1.5 s, beside
    the 10,000-activity register's own export of 1.4 s: 1.07x, shown (the growth of the
    same work), never judged against the registers' 10x."""
    results, report = tmp_path / "results.json", tmp_path / "benchmarks.md"
    small = _run(10_000, {"Export csv: time": ("time", "s", 1.4)})
    large = _run(100_000, {"Export csv: time": ("time", "s", 15.8),
                           f"{run.SAME_WORK}: time": ("same work", "s", 1.5),
                           f"{run.SAME_WORK}: CPU time": ("same work", "s", 12.0)})
    large["measures"][f"{run.SAME_WORK}: time"]["beside"] = 1.4
    large["measures"][f"{run.SAME_WORK}: CPU time"]["beside"] = 1.2
    run.save(results, report, 10_000, small, None)
    run.save(results, report, 100_000, large, None)

    text = report.read_text()
    assert f"| {run.SAME_WORK}: time | 1.4 s | 1.5 s | 1.07x | shown |" in text
    assert f"| {run.SAME_WORK}: CPU time | 1.2 s | 12.0 s | 10.00x | shown |" in text
    assert "the same work, so its ratio" in text


def test_instructions_are_counted_of_export_formats_and_the_import_only(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "exports", "--formats", "csv",
         "--instructions", "csv,import,xlsx", "--results", str(tmp_path / "results.json"),
         "--report", str(tmp_path / "b.md")],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ropa")})
    assert done.returncode == 1
    assert "--instructions: unknown 'xlsx': use ico-xlsx," in done.stderr
    assert "or import." in done.stderr


def test_the_layouts_a_run_offers_are_the_generators():
    from processing.synthetic import LAYOUTS

    assert run.LAYOUTS == LAYOUTS


@pytest.mark.django_db
@pytest.mark.parametrize("layout, runs", [("together", 3), ("rotation", 12)])
def test_the_runs_of_one_organisations_activities_are_counted_in_id_order(layout, runs):
    from processing.synthetic import generate_register

    generate_register(activities=12, organisations=3, third_parties=9, layout=layout)
    assert run.organisation_runs() == runs
    words = run.laid_out({"runs": runs, "organisations": 3})
    assert words.endswith(f": {runs:,} runs of one organisation's activities in id order")
    assert ("together" in words) is (layout == "together")
    assert run.laid_out({"organisations": 3}) == ""  # a run kept before runs were counted
