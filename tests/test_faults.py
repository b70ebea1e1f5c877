"""Fault injection beyond random kills: every write path run as a real `supportlog` process
with an I/O error or a crash injected at a sample of its write/sync/rename calls; the full
sweep is `python bench/faults.py`.

The shim (tests/faults/shim.c) is built here with the machine's C compiler rather than using
libfiu's fiu-run: fiu-run needs an apt package in CI, and it fails calls by name, always or at
random, where the sweep needs "the Nth call on a file under this folder" to visit every point
in turn."""

from __future__ import annotations

import errno
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

FAULTS_PY = Path(__file__).resolve().parents[1] / "bench" / "faults.py"
SAMPLE = 3  # points per path, besides the first on each output file and its rename or link


def load_faults():
    spec = importlib.util.spec_from_file_location("bench_faults", FAULTS_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_faults"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


faults = load_faults()


@pytest.fixture(scope="session")
def shim(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shim")
    try:
        built = faults.build_shim(folder)
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"the fault shim does not compile: {exc.stderr}")
    if built is None:
        pytest.skip("no C compiler (cc or gcc) to build the fault-injection shim")
    return built


@pytest.fixture(scope="session")
def sweep(shim, tmp_path_factory):
    return faults.Sweep(tmp_path_factory.mktemp("sweep"), shim)


def shimmed(shim: Path, folder: Path, script: str, **env: str):
    """Runs a Python script under the shim, watching `folder`; returns (process, count)."""
    count = folder.parent / f"{folder.name}.count"
    full = {"LD_PRELOAD": str(shim), "FAULT_DIR": str(folder), "FAULT_COUNT_FILE": str(count),
            "PATH": "/usr/bin:/bin", **env}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(script), str(folder)],
                          env=full, capture_output=True, text=True, timeout=60)
    return proc, (int(count.read_text()) if count.exists() else None)


WRITES = """
    import errno, os, sys
    folder = sys.argv[1]
    fd = os.open(os.path.join(folder, "f"), os.O_WRONLY | os.O_CREAT, 0o600)
    got = []
    for n in range(3):
        try:
            os.write(fd, b"abc"[n:n + 1])
            got.append("ok")
        except OSError as exc:
            got.append(errno.errorcode[exc.errno])
    print(" ".join(got))
"""


def test_shim_counts_only_calls_on_files_under_its_folder(shim, tmp_path):
    watched, other = tmp_path / "watched", tmp_path / "other"
    watched.mkdir(), other.mkdir()
    log = tmp_path / "calls.log"
    proc, count = shimmed(shim, watched, """
        import os, sys
        from pathlib import Path
        watched, other = Path(sys.argv[1]), Path(sys.argv[1]).with_name("other")
        for folder in (watched, other):
            with open(folder / "a", "w") as fh:
                fh.write("data")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(folder / "a", folder / "b")
            os.link(folder / "b", folder / "c")
            os.unlink(folder / "b")
        print("to stdout"); print("to stderr", file=sys.stderr)
    """, FAULT_LOG_FILE=str(log))
    assert proc.returncode == 0, proc.stderr
    assert count == 5
    calls = [line.split(" ", 2) for line in log.read_text().splitlines()]
    assert [(n, call.replace("linkat", "link")) for n, call, _ in calls] == [
        ("1", "write"), ("2", "fsync"), ("3", "rename"), ("4", "link"), ("5", "unlink")]
    assert all(path.startswith(str(watched)) for _, _, path in calls)


def test_shim_fails_the_nth_call_once(shim, tmp_path):
    proc, count = shimmed(shim, tmp_path, WRITES, FAULT_AT="2", FAULT_KIND="eio")
    assert proc.stdout.split() == ["ok", "EIO", "ok"]
    assert count == 3
    assert (tmp_path / "f").read_bytes() == b"ac"


def test_shim_fails_every_call_from_n_on_when_persistent(shim, tmp_path):
    proc, _ = shimmed(shim, tmp_path, WRITES, FAULT_AT="2", FAULT_KIND="enospc",
                      FAULT_PERSIST="1")
    assert proc.stdout.split() == ["ok", "ENOSPC", "ENOSPC"]
    assert (tmp_path / "f").read_bytes() == b"a"


def test_a_full_disk_still_lets_files_be_removed(shim, tmp_path):
    proc, count = shimmed(shim, tmp_path, """
        import os, sys
        path = os.path.join(sys.argv[1], "f")
        open(path, "w").close()
        for call in (lambda: os.rename(path, path + "2"), lambda: os.unlink(path)):
            try:
                call()
                print("ok")
            except OSError as exc:
                print(exc.errno)
    """, FAULT_AT="1", FAULT_KIND="enospc", FAULT_PERSIST="1")
    assert proc.stdout.split() == [str(errno.ENOSPC), "ok"]
    assert count == 2 and not (tmp_path / "f").exists()


def test_shim_crash_kills_the_process_before_the_call(shim, tmp_path):
    proc, count = shimmed(shim, tmp_path, WRITES, FAULT_AT="2", FAULT_KIND="crash")
    assert proc.returncode == -9 and proc.stdout == ""
    assert count is None  # killed: no exit handler ran
    assert (tmp_path / "f").read_bytes() == b"a"


def test_sample_spreads_points_and_keeps_the_renames():
    assert faults.spread(3, 5) == [1, 2, 3]
    assert faults.spread(81, 5) == [1, 21, 41, 61, 81]
    labels = ["pwrite64 /r/notebook.db-shm"] * 9 + [
        "write /r/.out.tmp-1", "write /r/.out.tmp-1", "fsync /r/.out.tmp-1", "rename /r/out",
        "fsync /r", "unlink /r/notebook.db-wal"]
    assert faults.sample_points(labels, 3) == [1, 8, 10, 13, 14, 15]


def _result(path: str, tmp_path: Path, point: int = 3) -> faults.Result:
    return faults.Result(path, point, "crash", -9, run_dir=tmp_path)


def test_the_checks_refuse_half_written_outputs(sweep, tmp_path):
    """The sweep can fail: an empty or half backup, a truncated export, a lost old export."""
    backup = faults.Output("copy.db", sqlite=True, rows={("cases", "no-such-uid")})
    (tmp_path / "copy.db").write_bytes(b"")
    r = _result("backup-o", tmp_path)
    faults.check_output(sweep, faults.PATHS["backup-o"], backup, tmp_path, False, r)
    assert r.problems == ["copy.db (0 bytes) is empty"]
    export = faults.Output("export.json", previous=b"old")
    probe = faults.WritePath("probe", "latest", None)
    sweep.expected[("probe", "export.json")] = b'{"new": 1}'
    for content, ok in ((b"old", True), (b'{"new": 1}', True), (b'{"ne', False), (None, False)):
        target = tmp_path / "export.json"
        target.unlink(missing_ok=True)
        if content is not None:
            target.write_bytes(content)
            target.chmod(0o600)
        r = _result("probe", tmp_path)
        faults.check_output(sweep, probe, export, tmp_path, False, r)
        assert (not r.problems) == ok, (content, r.problems)


def test_the_checks_refuse_a_traceback_and_a_lost_row(sweep, tmp_path):
    db = tmp_path / "notebook.db"
    db.write_bytes(sweep.template("latest").read_bytes())
    plan = faults.Plan(["log"], {("cases", "gone-uid")})
    proc = SimpleNamespace(returncode=3, stdout="", stderr="Traceback (most recent call last):"
                           "\n  ...\nOSError: [Errno 5] Input/output error\n")
    r = faults.Result("log", 3, "eio", 3, run_dir=tmp_path)
    faults.check(sweep, faults.PATHS["log"], plan, proc, r)
    assert r.problems[0].startswith("traceback on stderr: OSError")
    assert r.problems[1].startswith("1 acknowledged rows lost")


def test_the_checks_refuse_an_internal_error_and_blaming_the_notebook(tmp_path):
    plan = faults.Plan(["export"], set(), [faults.Output("export.json")])
    for line, problem in (
            ("supportlog: cannot write /r/export.json: Input/output error", None),
            ("supportlog: the disk holding /r/notebook.db is full", "does not name the output"),
            ("supportlog: internal error (OSError: [Errno 28]) please report it",
             "internal error instead")):
        r = faults.Result("export-json", 10, "enospc", 3, call="write ./.export.json.tmp-1",
                          run_dir=tmp_path)
        faults.check_message(line, plan, r)
        assert (problem is None) == (not r.problems), (line, r.problems)
        assert problem is None or problem in r.problems[0]


# Two paths here (a contact logged, a backup written); the other paths' sweeps spawn hundreds
# of processes between them, so they run with the slow tests.
IN_THE_SUITE = ("log", "backup")
assert set(IN_THE_SUITE) <= set(faults.PATHS), "a write path kept in the suite was renamed"


@pytest.mark.parametrize("name", [name if name in IN_THE_SUITE else
                                  pytest.param(name, marks=pytest.mark.slow)
                                  for name in faults.PATHS])
def test_write_path_survives_injected_faults(sweep, name):
    results = faults.sweep_path(sweep, faults.PATHS[name], list(faults.KINDS), sample=SAMPLE,
                                jobs=2)
    points = sweep.points[name]
    assert points >= 10, f"{name}: only {points} write calls counted; is the shim loaded?"
    tried = {r.point for r in results}
    assert {1, points} <= tried
    failed = [r for r in results if r.problems]
    assert not failed, "\n" + faults.details(results)
