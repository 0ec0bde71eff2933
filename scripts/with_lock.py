"""Run a command while holding the warehouse's lock, so that two runs never
write the same DuckDB file at once (DuckDB allows one writer).

    with_lock.py data/lead_scoring.duckdb [--wait SECONDS] -- dbt build

The lock is an advisory lock on <warehouse>.lock, released by the operating
system when the process ends, even when it is killed. <warehouse> is the
file's real path, so that a symlink to it, or a path through a symlinked
folder, takes the same lock. A second run stops at
once with a message naming the run that holds the lock, or waits up to
--wait seconds for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY = 75  # EX_TEMPFAIL: try again later


@contextmanager
def hold(warehouse: Path, wait: float, holder: str) -> Iterator[bool]:
    """Hold <warehouse>.lock for the block, recording `holder` (what runs)
    in it. Yields False, after saying who holds it, when another process
    keeps it longer than `wait` seconds."""
    path = Path(f"{os.path.realpath(warehouse)}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    lock.seek(0)
                    other = lock.read().strip() or "another process"
                    print(
                        f"{warehouse} is being written by {other}. Wait for"
                        " that run to finish (or stop it), then run again; pass"
                        " --wait SECONDS to queue behind it.",
                        file=sys.stderr,
                    )
                    yield False
                    return
                time.sleep(0.5)
        lock.seek(0)
        lock.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        lock.write(f"pid {os.getpid()} ({holder}, started {started})\n")
        lock.flush()
        yield True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument(
        "--wait", type=float, default=0, help="seconds to wait for the lock"
    )
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the command to run after --")
    split = argv.index("--")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    with hold(args.warehouse, args.wait, " ".join(command)) as held:
        return subprocess.run(command).returncode if held else BUSY


if __name__ == "__main__":
    sys.exit(main())
