"""Issue 12's benchmark rows (bench/run_advice.py) on a small generated notebook: real
`supportlog` processes and the real app, one run each, so what is checked is that each row
times what it says and turns a failure into an error row, not a fast figure."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

from tui.store import Store

BENCH = Path(__file__).resolve().parents[1] / "bench"
NOW = "2026-12-01T12:00:00Z"


def load(name: str):
    sys.path.insert(0, str(BENCH))   # run_advice imports run_probes beside it
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module   # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def bench():
    return load("run_advice")


@pytest.fixture(scope="module")
def results_type():
    return load("run").Results


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    from datetime import datetime
    path = tmp_path_factory.mktemp("bench") / "bench.db"
    with Store(path) as store:
        load("generate").generate(store, 300, 3000, seed=2,
                                  now=datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    return path


def env(bench, notebook, tmp_path):
    return bench.cli_env(notebook, NOW, str(tmp_path / "config"))


def test_a_failing_command_is_an_error_row_not_a_fast_one(bench, results_type, notebook,
                                                          tmp_path):
    ref, got = bench.side_by_side(["advice", "no-such-case"], env(bench, notebook, tmp_path), 3)
    assert got.error and "exit 2" in got.error and not got.wall
    results = results_type()
    row = bench.add_ratio_row(results, "advice NOPE", ref, got, 2, "--version")
    assert row["verdict"] == "error" and "ratio" not in row


def test_fail_on_stall_exit_1_is_a_run_and_the_ratio_uses_both_medians(bench, results_type,
                                                                       notebook, tmp_path):
    ref, got = bench.side_by_side(["advice", "--fail-on-stall"], env(bench, notebook, tmp_path),
                                  2, ok_codes=(0, 1))
    assert got.error is None and len(got.wall) == len(ref.wall) == 2   # the warm run is dropped
    assert all(cpu > 0 for cpu in got.cpu + ref.cpu)
    row = bench.add_ratio_row(results_type(), "advice --fail-on-stall", ref, got, 1.5,
                              "--version")
    assert row["ratio"] == round(got.median() / ref.median(), 2)
    assert row["verdict"] == ("ok" if row["ratio"] <= 1.5 else "OVER")


def test_a_command_that_prints_nothing_is_an_error(bench, monkeypatch, notebook, tmp_path):
    monkeypatch.setattr(bench, "SUPPORTLOG", Path("/bin/true"))   # exit 0, no output
    *_, error = bench.run_once(["advice"], env(bench, notebook, tmp_path))
    assert error == "`supportlog advice` printed nothing"


def test_forget_advice_empties_the_cache_and_says_when_there_is_none(bench, tmp_path):
    plain = tmp_path / "v3.db"
    sqlite3.connect(plain).close()
    assert bench.forget_advice(plain) is False
    cached = tmp_path / "v4.db"
    conn = sqlite3.connect(cached)
    conn.execute("CREATE TABLE case_advice (case_id INTEGER PRIMARY KEY, score REAL)")
    conn.execute("INSERT INTO case_advice VALUES (1, 2.5)")
    conn.commit()
    conn.close()
    assert bench.forget_advice(cached) is True
    conn = sqlite3.connect(cached)
    assert conn.execute("SELECT count(*) FROM case_advice").fetchone()[0] == 0
    conn.close()


def test_from_nothing_assesses_every_open_case(bench, results_type, notebook):
    results = results_type()
    bench.bench_from_nothing(notebook, results, reps=1)
    row = results.rows[-1]
    with Store(notebook, create=False) as store:
        active = store.conn.execute("SELECT count(*) FROM cases WHERE status IN "
                                    "('open', 'waiting')").fetchone()[0]
    assert row["verdict"] in ("ok", "OVER"), row
    assert row["cases"] == active > 0 and row["calibration_ratio"] > 0


def test_the_app_row_waits_for_the_ranked_stalled_cases(bench, results_type, notebook):
    top = bench.stalled_ids(notebook, NOW)
    assert len(top) == bench.TOP
    results = results_type()
    bench.bench_attention(notebook, results, reps=1)
    row = results.rows[-1]
    assert row["verdict"] in ("ok", "OVER"), row
    assert row["ratio"] > 0 and ", ".join(top) in row["note"]


@pytest.mark.slow   # waits out the benchmark's timeout by design
def test_the_app_row_is_an_error_when_the_list_never_starts_with_them(bench, results_type,
                                                                      notebook, monkeypatch):
    monkeypatch.setattr(bench, "stalled_ids", lambda db, now: ["999999"])   # no such case
    results = results_type()
    bench.bench_attention(notebook, results, reps=1, timeout=8)
    row = results.rows[-1]
    assert row["verdict"] == "error" and "never started with the" in row["note"]


def test_only_advice_needs_an_existing_notebook(tmp_path, capsys):
    run = load("run")
    with pytest.raises(SystemExit) as stop:
        run.main(["--only", "advice", "--db", str(tmp_path / "missing.db")])
    assert "--only advice needs --db NOTEBOOK" in str(stop.value)
