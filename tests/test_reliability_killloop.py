"""Crash-safe ingest: SIGKILL an ingest at random points; the index is always "before" or "after".

A long-lived helper process (this module run as a script) loads the embedding model once and
forks one child per ingest, so each of the many trials costs an ingest, not a model load. The
test kills the child with SIGKILL after a seeded random delay that spans the whole ingest
(loading, embedding, BM25, the state flip, the clean-up), plus a few kills placed exactly
inside the state flip. After every kill a fresh forked child opens the index and its chunk ids,
sources and retrieval results must equal one of the two known states, never a mix.

Protection exercised: the generational store with the atomic state flip
(bot.index.store.write_atomic, ingest.pipeline._commit) and the orphan clean-up of the next
ingest; and the ingest lock (ingest.pipeline.ingest_lock) for two concurrent `advisor ingest`
processes."""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "wmr-2023-new-business-models.md"
QUESTIONS = (
    "servitised business models revenue streams",
    "turbine bearing refurbishment warranty",
)
TRIALS = 24
SEED = 20231

pytestmark = pytest.mark.slow


# ------------------------------------------------------------------------ the helper process
def _emit(obj: dict[str, Any]) -> None:
    """One JSON line on stdout, written in one call so lines of parent and child never mix."""
    os.write(1, (json.dumps(obj) + "\n").encode())


def _signature(data_dir: str, embedder: Any) -> dict[str, Any]:
    """What the index in `data_dir` holds, read the way a user's process reads it."""
    from bot.advisor import Advisor
    from bot.settings import Settings

    settings = Settings(data_dir=Path(data_dir))
    adv = Advisor(settings, embedder=embedder)
    state = adv.store.require_state()
    col = adv.store.collection(state.collection)
    stored = sorted(col.get(include=[])["ids"])
    return {
        "generation": state.generation,
        "sources": sorted(state.sources),
        "state_ids": sorted(i for ids in state.sources.values() for i in ids),
        "chroma_ids": stored,
        "lexical_ids": sorted(c.id for c in adv.retriever.chunks()),
        # Sets: equal-scoring chunks may swap places when a generation is built incrementally.
        "top": [sorted(h.chunk.id for h in adv.retrieve(q, 5)) for q in QUESTIONS],
    }


def _child_ingest(data_dir: str, paths: list[str], pause: float, embedder: Any) -> None:
    """Run one ingest, announcing each phase; the state flip is slowed by `pause` seconds."""
    from bot.settings import Settings
    from ingest.pipeline import ingest

    real_replace = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(dst).name == "state.json":
            _emit({"phase": "flip-before"})
            time.sleep(pause)
            real_replace(src, dst, *args, **kwargs)
            _emit({"phase": "flip-after"})
            time.sleep(pause)
            return
        real_replace(src, dst, *args, **kwargs)

    os.replace = replace  # this forked child only
    announced: set[str] = set()

    def announce(phase: str) -> None:
        if phase not in announced:
            announced.add(phase)
            _emit({"phase": phase})

    class Announcing:
        """The real embedder, announcing the embedding phase."""

        model_path = embedder.model_path

        def embed(self, texts: Any, *args: Any, **kwargs: Any) -> Any:
            announce("embed")
            return embedder.embed(texts, *args, **kwargs)

    import ingest.pipeline as pipeline

    real_build = pipeline.LexicalIndex.build

    def build(chunks: Any) -> Any:
        announce("bm25")
        return real_build(chunks)

    pipeline.LexicalIndex.build = build  # type: ignore[method-assign]
    announce("load")
    report = ingest(
        Settings(data_dir=Path(data_dir)), [Path(p) for p in paths],
        embedder=Announcing(), show_progress=False,  # type: ignore[arg-type]
    )
    _emit({"phase": "done", "embedded": report.embedded, "unchanged": report.unchanged})


def _fork(job: Any) -> int:
    pid = os.fork()
    if pid == 0:  # the child: run the job, never return into the helper's loop
        code = 0
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test as one line
            _emit({"error": f"{type(exc).__name__}: {exc}"})
            code = 1
        os._exit(code)
    return pid


def helper_main() -> None:
    """Read one JSON command per line; fork a child per ingest or check."""
    from bot.index.embedding import load_embedder
    from bot.settings import Settings

    embedder = load_embedder(Settings().model_path())
    _emit({"ready": True})
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "ingest":
            pid = _fork(lambda c=cmd: _child_ingest(
                c["data_dir"], c["paths"], c.get("pause", 0.0), embedder))
        else:
            pid = _fork(lambda c=cmd: _emit({"sig": _signature(c["data_dir"], embedder)}))
        _emit({"pid": pid})
        _, status = os.waitpid(pid, 0)
        _emit({"exit": os.waitstatus_to_exitcode(status)})


class Helper:
    """The test's handle on the helper process: send commands, read its lines with timeouts."""

    def __init__(self, cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        assert self.read(120).get("ready")

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def read(self, timeout: float = 60) -> dict[str, Any]:
        return self.lines.get(timeout=timeout)

    def send(self, **cmd: Any) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return int(self.read()["pid"])

    def finish(self) -> tuple[int, list[dict[str, Any]]]:
        """Lines up to the child's exit, and its exit code."""
        lines = []
        while "exit" not in (line := self.read(120)):
            lines.append(line)
        return int(line["exit"]), lines

    def ingest(self, data_dir: Path, paths: list[Path]) -> list[dict[str, Any]]:
        self.send(op="ingest", data_dir=str(data_dir), paths=[str(p) for p in paths])
        code, lines = self.finish()
        assert code == 0, lines
        return lines

    def signature(self, data_dir: Path) -> dict[str, Any]:
        self.send(op="check", data_dir=str(data_dir))
        code, lines = self.finish()
        assert code == 0 and "sig" in lines[-1], lines
        return dict(lines[-1]["sig"])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -------------------------------------------------------------------------------- the corpus
def _generated(version: int) -> dict[str, str]:
    """Four documents of eight sections; each version words every section differently."""
    rng = random.Random(version)
    words = ("turbine bearing refurbishment contract uptime lease pump valve sensor warranty "
             "fleet retrofit spare parts subscription outcome tariff audit gearbox compressor "
             "boiler conveyor robot cell welding casting forging milling lathe press furnace "
             "kiln dryer chiller inverter motor drive spindle nozzle filter membrane seal "
             "gasket hose coupling clutch brake axle hub rotor stator blade vane impeller").split()
    docs = {}
    for d in range(4):
        parts = [f"# Plant Dossier {d}\n"]
        for s in range(8):
            body = " ".join(rng.choice(words) for _ in range(40))
            parts.append(f"## Section {s}\n\nVersion {version} note {d}.{s}: {body}.\n")
        docs[f"dossier_{d}.md"] = "\n".join(parts)
    return docs


def _write_corpus(folder: Path, version: int) -> None:
    gen = folder / "generated"
    shutil.rmtree(gen, ignore_errors=True)
    gen.mkdir(parents=True)
    for name, text in _generated(version).items():
        (gen / name).write_text(text, encoding="utf-8")


def _same_index(sig: dict[str, Any], ref: dict[str, Any]) -> bool:
    keys = ("sources", "state_ids", "chroma_ids", "lexical_ids", "top")
    return all(sig[k] == ref[k] for k in keys)


@pytest.fixture(scope="module")
def helper(tmp_path_factory: pytest.TempPathFactory):
    handle = Helper(tmp_path_factory.mktemp("killloop-cwd"))
    yield handle
    handle.close()


def test_sigkill_at_random_points_leaves_before_or_after(helper: Helper, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPORT, corpus / REPORT.name)
    data = tmp_path / "live"
    refs: dict[int, dict[str, Any]] = {}
    spans = []
    for version in (1, 2):  # the two known states, each reached by an ingest that ran to the end
        _write_corpus(corpus, version)
        start = time.monotonic()
        helper.ingest(data, [corpus])
        spans.append(time.monotonic() - start)
        refs[version] = helper.signature(data)
        assert refs[version]["state_ids"] == refs[version]["chroma_ids"]
    assert set(refs[1]["state_ids"]) != set(refs[2]["state_ids"])
    start = time.monotonic()
    helper.ingest(data, [corpus])  # unchanged: loads and compares, embeds nothing
    spans.append(time.monotonic() - start)
    # The second ingest re-embeds only the generated part, like every changing trial below.
    changing, unchanged = spans[1], spans[2]
    current = 2
    print(f"ingest durations {spans}", flush=True)

    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"before": 0, "after": 0}
    phases: dict[str, int] = {}
    kills = 0
    flip_trials = {4: "flip-before", 10: "flip-after", 16: "flip-before", 22: "flip-after"}
    for trial in range(TRIALS):
        # Alternate: even trials switch the corpus version, odd trials re-ingest it unchanged
        # (which is a real change again when the previous trial's kill left the old state).
        target = (3 - current) if trial % 2 == 0 else _disk_version(corpus)
        _write_corpus(corpus, target)
        aim = flip_trials.get(trial)
        t_trial = time.monotonic()
        pid = helper.send(op="ingest", data_dir=str(data), paths=[str(corpus)],
                          pause=0.5 if aim else 0.0)
        last, exited, seen = "start", None, []
        span = changing if target != current else unchanged
        deadline = time.monotonic() + rng.uniform(0.0, span)
        while True:
            remaining = 60.0 if aim else deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                line = helper.read(remaining)
            except queue.Empty:
                break
            seen.append(line)
            if "exit" in line:
                exited = int(line["exit"])
                break
            last = line.get("phase", last)
            if last == aim:
                break
        if exited is None:
            kills += 1
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            exited, rest = helper.finish()
            seen.extend(rest)
        assert exited in (0, -signal.SIGKILL), f"trial {trial}: ingest exited {exited}: {seen}"
        phases[last] = phases.get(last, 0) + 1
        t_check = time.monotonic()
        sig = helper.signature(data)
        how = "ran to the end" if exited == 0 else f"killed in {last}"
        print(f"trial {trial}: {how} after {t_check - t_trial:.1f}s, "
              f"check {time.monotonic() - t_check:.1f}s", flush=True)
        assert sig["state_ids"] == sig["chroma_ids"] == sig["lexical_ids"], f"trial {trial}"
        if _same_index(sig, refs[current]):
            outcomes["before"] += 1
        else:
            assert _same_index(sig, refs[target]), (
                f"trial {trial}: killed in {last!r}, index is neither version {current} "
                f"nor version {target}: {_diff(sig, refs[current])} / {_diff(sig, refs[target])}"
            )
            outcomes["after" if target != current else "before"] += 1
            current = target

    print(f"kill loop: {TRIALS} trials, {kills} SIGKILLs, outcomes {outcomes}, "
          f"last phase seen {phases}")
    assert kills >= TRIALS * 2 // 3
    assert outcomes["before"] > 0 and outcomes["after"] > 0
    assert {"embed", "flip-before", "flip-after"} <= phases.keys()
    # A normal ingest after all the kills succeeds and leaves no stray generations behind.
    _write_corpus(corpus, 3 - current)
    helper.ingest(data, [corpus])
    assert _same_index(helper.signature(data), refs[3 - current])
    assert len(list((data / "bm25").iterdir())) <= 2


def _holds_flock(lock: Path) -> bool:
    """Whether some process holds an flock on `lock` (read from /proc/locks, taking nothing)."""
    try:
        inode = lock.stat().st_ino
    except FileNotFoundError:
        return False
    for row in Path("/proc/locks").read_text().splitlines():
        fields = row.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5].endswith(f":{inode}"):
            return True
    return False


def _cli_ingest(data_dir: Path, *paths: Path, **kwargs: Any) -> Any:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", *map(str, paths)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )


def test_concurrent_ingests_are_serialised_with_a_clear_message(tmp_path: Path) -> None:
    from bot.index.store import Store
    from bot.settings import Settings

    data = tmp_path / "data"
    first = _cli_ingest(data, REPORT)
    deadline = time.monotonic() + 240
    while not _holds_flock(data / "ingest.lock"):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first ingest never took the lock"
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGSTOP)  # hold it inside the locked section
    try:
        second = _cli_ingest(data, REPORT)
        out, err = second.communicate(timeout=240)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert second.returncode == 1, (out, err)
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "another `advisor ingest` is running" in err
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    state = Store(Settings(data_dir=data)).require_state()
    assert state.chunk_count > 60
    third = _cli_ingest(data, REPORT)  # the lock is free again once the first one is done
    out, err = third.communicate(timeout=240)
    assert third.returncode == 0 and "index up to date" in out, err


def _diff(sig: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    """Which parts differ, in short: for id lists, how many ids each side has alone."""
    out: dict[str, Any] = {}
    for key in ("sources", "state_ids", "chroma_ids", "lexical_ids"):
        if sig[key] != ref[key]:
            out[key] = (len(set(sig[key]) - set(ref[key])), len(set(ref[key]) - set(sig[key])))
    if sig["top"] != ref["top"]:
        out["top"] = (sig["top"], ref["top"])
    return out


def _disk_version(corpus: Path) -> int:
    text = (corpus / "generated" / "dossier_0.md").read_text(encoding="utf-8")
    return 1 if "Version 1 note" in text else 2


if __name__ == "__main__":
    helper_main()
