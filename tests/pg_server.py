"""A throwaway PostgreSQL server for tests: initdb + pg_ctl as the `postgres` user, free port.

PostgreSQL refuses to run as root, so the cluster lives in a temporary folder owned by the
`postgres` user and every server command runs through `runuser -u postgres`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evals.procs import free_port

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
MISSING = "PostgreSQL is missing: apt-get install postgresql (the Debian package)"


def _tool(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(MISSING)
    return found


def _as_postgres(*cmd: str) -> list[str]:
    if os.geteuid() == 0:  # runuser lives in sbin, which a minimal PATH may leave out
        runuser = shutil.which("runuser") or next(
            (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), "runuser")
        return [runuser, "-u", "postgres", "--", *cmd]
    return list(cmd)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh cluster on 127.0.0.1; yield a postgresql+psycopg URL; stop and delete it."""
    initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="advisor-pg-", dir="/tmp"))
    data, log = root / "data", root / "server.log"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
    started = False
    try:
        subprocess.run(_as_postgres(initdb, "-D", str(data), "-U", "postgres", "-A", "trust",
                                    "--no-sync", "-E", "UTF8"),
                       check=True, capture_output=True, timeout=120)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(_as_postgres(pg_ctl, "-D", str(data), "-l", str(log), "-o", options,
                                    "-w", "-t", "60", "start"),
                       check=True, capture_output=True, timeout=90)
        started = True
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run(_as_postgres(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"),
                           capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
