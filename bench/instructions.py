"""Instructions a command executes, counted by valgrind's callgrind: the measure of the
code's own growth, which neither the machine's speed nor its neighbours change (the same
count, run after run, whatever else runs beside it).

    python bench/instructions.py DATABASE_URL [DATABASE_URL ...] -- export_register --format csv -o -

runs the command once on each database, and once more without the command (the start-up
of Django alone), and prints each database's count less the start-up's. Under callgrind
a command runs about 50 times slower: one export of 100,000 activities takes a quarter of
an hour.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = """
import sys
sys.path.insert(0, {root!r})
import django
django.setup()
from django.core.management import call_command
args = {args!r}
if args:
    call_command(*args)
"""


def instructions(database_url: str, args: list[str]) -> int:
    """Instructions of a fresh process that starts Django and runs ``args`` (a command and
    its arguments; none: the start-up alone) on ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
             sys.executable, "-c", RUN.format(root=str(ROOT), args=args)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind counted nothing:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main():
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == 0 or argv[-1] == "--":
        raise SystemExit(__doc__)
    databases, command = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    start = instructions(databases[0], [])
    print(f"start-up: {start:,} instructions")
    counts = []
    for url in databases:
        count = instructions(url, command) - start
        counts.append(count)
        growth = f" ({count / counts[0]:.2f}x the first)" if len(counts) > 1 else ""
        print(f"{url.rsplit('/', 1)[-1]}: {count:,} instructions{growth}")


if __name__ == "__main__":
    main()
