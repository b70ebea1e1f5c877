"""Time every row of DESIGN.md's budget table on a generated notebook.

    python bench/run.py --cases 100000 --interactions 1000000 [--db PATH] [--reuse]
    python bench/run.py --only advice --db PATH [--reps 5] [--report FILE]

`--only advice` runs just issue 12's advice rows (bench/run_advice.py) on an existing notebook.
Prints a table (operation, median ms, spread, budget, verdict) and writes bench/out/results.json.
Timings are wall-clock on a shared machine: read them as noisy, and the medians first.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run_advice  # noqa: E402
import run_import  # noqa: E402
import run_probes as probes  # noqa: E402
import run_search  # noqa: E402
import run_stats  # noqa: E402
from generate import generate  # noqa: E402
from generate_words import RARE_WORDS  # noqa: E402

from tui.store import Store  # noqa: E402

OUT = HERE / "out"
LIST_MS, SEARCH_MS, LOG_MS, ADVICE_ALL_MS, ADVICE_ONE_MS = 20, 50, 20, 500, 5
DEEP_PAGES = 50
SMALL = (1_000, 10_000)     # the notebook the memory row compares against
MEMORY_SLACK_KIB = 10 * 1024


class Results:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.lines: list[str] = [HEADER]

    def add(self, operation: str, samples_ms: list[float] | None, budget: str, verdict: str,
            **extra) -> dict:
        row = {"operation": operation, "budget": budget, "verdict": verdict, **extra}
        if samples_ms:
            row.update(median_ms=round(statistics.median(samples_ms), 2),
                       min_ms=round(min(samples_ms), 2), max_ms=round(max(samples_ms), 2),
                       runs=len(samples_ms))
        self.rows.append(row)
        self.lines.append(format_row(row))
        print(self.lines[-1], flush=True)
        return row

    def timed(self, operation: str, fn, budget_ms: float, reps: int = 7, **extra) -> dict:
        samples = time_it(fn, reps)
        verdict = "ok" if statistics.median(samples) <= budget_ms else "OVER"
        return self.add(operation, samples, f"<= {budget_ms:g} ms", verdict, **extra)


def time_it(fn, reps: int) -> list[float]:
    fn()   # warm the page cache and the statement cache; real use repeats too
    samples = []
    for _ in range(reps):
        began = time.perf_counter()
        answer = fn()
        samples.append((time.perf_counter() - began) * 1000)
        # Freed after the clock stops: the time to the answer, not to throwing it away
        # (25k assessments take 0.1-0.2 s to free, which no one waits for).
        del answer
    return samples


HEADER = (f"{'operation':52} {'median ms':>10} {'spread (min-max)':>17} {'budget':>14} "
          f"{'verdict':>8}")


def format_row(row: dict) -> str:
    median = f"{row['median_ms']:.2f}" if "median_ms" in row else "-"
    spread = f"{row['min_ms']:.2f}-{row['max_ms']:.2f}" if "min_ms" in row else "-"
    note = f"  ({row['note']})" if row.get("note") else ""
    return (f"{row['operation'][:52]:52} {median:>10} {spread:>17} {row['budget']:>14} "
            f"{row['verdict']:>8}{note}")


# -- the notebook ------------------------------------------------------------------------------
def notebook(path: Path, cases: int, interactions: int, reuse: bool, results: Results) -> None:
    if reuse and path.exists():
        with Store(path, create=False) as store:
            have = (store.count_cases(),
                    store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0])
        if have[0] == cases and abs(have[1] - interactions) <= 100:
            results.add(f"generate {cases:,} cases (reused)", None, "-", "info")
            return
        print(f"{path} holds {have}, not ({cases}, {interactions}): generating anew")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        made = generate(store, cases, interactions, seed=1)
    rows = sum(made["counts"].values())
    results.add(f"generate {cases:,} cases / {interactions:,} contacts", [made["seconds"] * 1000],
                "minutes", "info", rows=rows, rows_per_second=made["rows_per_second"],
                note=f"{rows:,} rows, {made['rows_per_second']:,} rows/s")


# -- lists -----------------------------------------------------------------------------------
def bench_lists(store: Store, results: Results) -> None:
    biggest = store.conn.execute("SELECT co.name FROM cases c JOIN companies co ON "
                                 "co.id = c.company_id GROUP BY co.id ORDER BY count(*) DESC "
                                 "LIMIT 1").fetchone()[0]
    filters = [{"status": s} for s in ("active", "open", "waiting", "resolved", "all")]
    filters += [{"company": biggest}, {"channel": "phone"}, {"channel": "letter"},
                {"channel": "copilot"}, {"status": "active", "channel": "chat"}]
    for where in filters:
        label = " ".join(f"{k}={v}" for k, v in where.items())
        for sort in ("recent", "quiet", "opened"):
            results.timed(f"list {label} sort={sort} page 1",
                          lambda sort=sort, where=where: store.list_cases(sort=sort, **where),
                          LIST_MS)
            after, pages = None, 1
            for _ in range(DEEP_PAGES - 1):
                page = store.list_cases(sort=sort, after=after, **where)
                if page.after is None:
                    break
                after, pages = page.after, pages + 1
            results.timed(f"list {label} sort={sort} page {pages}",
                          lambda sort=sort, after=after, where=where: store.list_cases(
                              sort=sort, after=after, **where), LIST_MS, reps=5)


# -- search ----------------------------------------------------------------------------------
def bench_search(store: Store, results: Results) -> None:
    conn = store.conn
    middle = conn.execute("SELECT max(id) / 2 FROM interactions").fetchone()[0]
    reference = conn.execute("SELECT reference FROM interactions WHERE id >= ? AND reference "
                             "IS NOT NULL LIMIT 1", (middle,)).fetchone()[0]
    order = conn.execute("SELECT value FROM case_refs WHERE kind = 'order' AND case_id >= "
                         "(SELECT max(id) / 3 FROM cases) LIMIT 1").fetchone()[0]
    queries = [("common", "refund"), ("common", "agent"), ("common phrase", "courier claim"),
               ("rare", RARE_WORDS[0]), ("rare", RARE_WORDS[1]), ("reference", reference),
               ("order number", order), ("prefix", "superv*"), ("prefix, 2 words", "ref*"),
               ("prefix, as typed", "promis*")]
    for kind, words in queries:
        hits = len(store.search(words))
        results.timed(f"search top 50, {kind}: {words}",
                      lambda words=words: store.search(words), SEARCH_MS, reps=5, hits=hits)
    # Snippets cap the text they scan (tui/store/search_words.py): one word repeated over 4 MB
    # once made search take minutes. The case is the newest, so it lands on the first page.
    big = store.create_case("Bench", "refund: a 4 MB note", notes="refund " * (4_000_000 // 7))
    try:
        hits = store.search("refund")
        results.timed("search top 50, a 4 MB note of 'refund' repeated",
                      lambda: store.search("refund"), SEARCH_MS, reps=5, hits=len(hits),
                      note_on_page=any(h.case_id == big.id for h in hits))
    finally:
        store.delete_case(big.id)   # leave the notebook as generated, for --reuse


# -- logging ---------------------------------------------------------------------------------
def bench_logging(store: Store, results: Results) -> None:
    case = store.list_cases(status="open", limit=1).items[0]
    made: list[int] = []

    def log_one():
        made.append(store.log_interaction(case.id, "phone", "info", duration=600, hold=120,
                                          agent="Bench", notes="benchmark contact").id)
    try:
        results.timed("log one interaction (commit, synchronous=FULL)", log_one, LOG_MS, reps=15)
    finally:
        for iid in made:   # leave the notebook as generated, for --reuse
            store.delete_interaction(iid)


# -- advice ----------------------------------------------------------------------------------
def bench_advice(store: Store, results: Results) -> None:
    now = datetime.now(timezone.utc)
    try:
        from tui import advice
        from tui.advice import assess, load_playbook
        playbook = load_playbook()
        # Issue 12's engine ranks from its cache (refreshing what is stale); today's assesses.
        every = getattr(advice, "ranking", None) or advice.assess_all
        assessed = every(store, now, playbook)
    except NotImplementedError:
        assessed = None
    except (ImportError, AttributeError) as exc:
        results.add("advice, all open cases", None, f"<= {ADVICE_ALL_MS} ms", "pending",
                    note=f"tui.advice not importable: {exc}")
        return
    if not assessed:
        results.add("advice, all open cases", None, f"<= {ADVICE_ALL_MS} ms", "pending",
                    note=f"{every.__name__} returned nothing (not written yet?)")
    else:
        stalled = sum(1 for a in assessed if getattr(a, "stalled", False))
        # Seven samples: the shared machine has slow spells of a second or two, and a median
        # of three took one of them for the figure.
        results.timed("advice, all open cases", lambda: every(store, now, playbook),
                      ADVICE_ALL_MS, reps=7, assessed=len(assessed), stalled=stalled,
                      note=f"{every.__name__}: {len(assessed):,} cases, {stalled:,} stalled")
    cold = [probes.run_probe(probes.ADVICE_COLD, store.path) for _ in range(5)]
    if all("ms" in c for c in cold):
        samples = [c["ms"] for c in cold]
        results.add("advice, all open cases, first in a fresh process", samples,
                    f"<= {ADVICE_ALL_MS} ms",
                    "ok" if statistics.median(samples) <= ADVICE_ALL_MS else "OVER")
    # One case that surely needs attention: open, with the most contacts among recent cases.
    busy = store.conn.execute("SELECT id FROM cases WHERE status = 'open' ORDER BY contacts "
                              "DESC LIMIT 1").fetchone()[0]
    try:
        found = assess(store.get_detail(busy), now, playbook)
    except NotImplementedError:
        found = None
    if not found or not getattr(found, "findings", None):
        results.add("advice, one case (get_detail + assess)", None, f"<= {ADVICE_ONE_MS} ms",
                    "pending", note="assess found nothing on an open case with the most contacts")
        return
    results.timed("advice, one case (get_detail + assess)",
                  lambda: assess(store.get_detail(busy), now, playbook), ADVICE_ONE_MS, reps=20,
                  note=f"case {busy}, {len(found.findings)} findings")


# -- processes: UI start and memory ------------------------------------------------------------
def bench_ui_start(db: Path, results: Results, reps: int = 5) -> None:
    # An installed supportlog has its bytecode compiled (pip does it), as Textual's is; this
    # checkout may not (PYTHONDONTWRITEBYTECODE), and compiling tui/ at every start is not
    # what a user waits for.
    compileall.compile_dir(HERE.parent / "tui", quiet=1)
    bare, app, pending = [], [], None
    for _ in range(reps):      # alternate, so both see the same machine load
        b = probes.run_probe(probes.BARE_APP)
        a = probes.run_probe(probes.SUPPORTLOG_APP, db)
        if "ready_s" in b:
            bare.append(b["ready_s"] * 1000)
        if "ready_s" in a:
            app.append(a["ready_s"] * 1000)
        else:
            pending = a.get("pending") or a.get("error")
            break
    results.add("UI start: bare Textual app, one-row table", bare, "reference", "info")
    if pending or not app or not bare:
        results.add("UI cold start to home screen with rows", app, "<= 1.5x bare", "pending",
                    note=pending or "the bare app did not start")
        return
    ratio = statistics.median(app) / statistics.median(bare)
    results.add("UI cold start to home screen with rows", app, "<= 1.5x bare",
                "ok" if ratio <= 1.5 else "OVER", ratio=round(ratio, 2),
                note=f"{ratio:.2f}x the bare app")


FORM_RATIO, CLI_RATIO = 1.5, 1.3   # issue 15: a form against a bare modal, a CLI start
FORMS = (("new", "form: `n` on the home screen"), ("log", "form: `l` on the home screen"),
         ("case-log", "form: `l` on the case screen"))


def bench_forms(db: Path, results: Results, reps: int = 5) -> None:
    """Each form from push to its first frame with a field focused, against a bare modal."""
    bare, forms, early = [], {name: [] for name, _ in FORMS}, []
    for _ in range(reps):      # interleaved, so all see the same machine load
        b = probes.run_probe(probes.BARE_MODAL)
        if "push_to_form_ms" in b:
            bare.append(b["push_to_form_ms"])
        for name, _ in FORMS:
            f = probes.run_probe(probes.FORM_OPEN, db, BENCH_FORM=name)
            if "push_to_form_ms" in f:
                forms[name].append(f["push_to_form_ms"])
        f = probes.run_probe(probes.FORM_OPEN, db, BENCH_FORM="new", BENCH_FORM_AT="first-rows")
        early += [f["push_to_form_ms"]] if "push_to_form_ms" in f else []
    results.add("bare Textual modal: push to its focused field", bare, "reference", "info")
    results.add("form: `n` as the first rows show (start-up work running)", early, "reference",
                "info")     # what `n` meets while the ranking and start-up checks still run
    for name, label in FORMS:
        if not bare or not forms[name]:
            results.add(label, forms[name], f"<= {FORM_RATIO:g}x bare modal", "error")
            continue
        ratio = statistics.median(forms[name]) / statistics.median(bare)
        results.add(label, forms[name], f"<= {FORM_RATIO:g}x bare modal",
                    "ok" if ratio <= FORM_RATIO else "OVER", ratio=round(ratio, 2),
                    note=f"{ratio:.2f}x a bare modal")


def cpu_ms(*command: str) -> float:
    """User + system CPU of one process, in ms (waiting on the disk or others not counted)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000


def bench_cli_start(db: Path, results: Results, reps: int = 7) -> None:
    """CPU of a few commands whose own work is small, against `import click, sqlite3`: the
    read-only ones read on a bare connection (tui.store.reader), without the Store."""
    base = [sys.executable, "-c", "import click, sqlite3"]
    supportlog = str(Path(sys.executable).with_name("supportlog"))
    commands = {"--version": ["--version"], "list --limit 1": ["list", "--limit", "1"],
                "list --sort quiet --limit 20": ["list", "--sort", "quiet", "--limit", "20"],
                "list --json --limit 1": ["list", "--json", "--limit", "1"],
                "show 1": ["show", "1"], "stats": ["stats"],
                "company list": ["company", "list"]}
    cpu_ms(supportlog, "--db", str(db), "list", "--limit", "1")   # any upgrade happens here
    samples = {name: [] for name in ("base", *commands)}
    for _ in range(reps):
        samples["base"].append(cpu_ms(*base))
        for name, args in commands.items():
            samples[name].append(cpu_ms(supportlog, "--db", str(db), *args))
    results.add("CPU: python -c 'import click, sqlite3'", samples["base"], "reference", "info")
    reference = statistics.median(samples["base"])
    for name in commands:
        ratio = statistics.median(samples[name]) / reference
        results.add(f"CPU: supportlog {name}", samples[name], f"<= {CLI_RATIO:g}x reference",
                    "ok" if ratio <= CLI_RATIO else "OVER", ratio=round(ratio, 2),
                    note=f"{ratio:.2f}x import click, sqlite3")


def bench_memory(big: Path, small: Path, results: Results) -> None:
    peaks = {}
    for label, path in (("small", small), ("big", big)):
        probe = probes.run_probe(probes.MEMORY, path, timeout=600)
        if "maxrss_kib" not in probe:
            results.add(f"memory, page through all cases ({label})", None, "flat", "error",
                        note=probe.get("error"))
            return
        peaks[label] = probe
    growth = peaks["big"]["maxrss_kib"] - peaks["small"]["maxrss_kib"]
    verdict = "ok" if growth <= MEMORY_SLACK_KIB else "OVER"
    few, many = peaks["small"], peaks["big"]
    results.add("memory: peak RSS paging all cases", None, "no growth", verdict,
                small_cases=few["cases"], small_kib=few["maxrss_kib"],
                big_cases=many["cases"], big_kib=many["maxrss_kib"],
                note=f"{few['cases']:,} cases: {few['maxrss_kib'] / 1024:.1f} MiB; "
                     f"{many['cases']:,} cases: {many['maxrss_kib'] / 1024:.1f} MiB "
                     f"(allowed growth {MEMORY_SLACK_KIB // 1024} MiB)")


def calibration(results: Results, when: str) -> None:
    """The same fixed pure-Python work, timed: this machine's speed drifts (a shared host),
    and the rows measured around it drift with it."""
    def work():
        total = 0
        for n in range(300_000):
            total += n % 7
        return total
    results.add(f"calibration ({when}): a fixed Python loop", time_it(work, 5), "reference",
                "info")


def run_alone(doc: str, bench_rows, reps: int, argv: list[str] | None = None) -> None:
    """A bench module run by itself: `--db COPY [--reps N]`, its rows only."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True,
                        help="a copy of a benchmark notebook (opening it may upgrade it)")
    parser.add_argument("--reps", type=int, default=reps)
    args = parser.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"{args.db}: no such notebook; copy one of bench/generate.py's first")
    print(HEADER, f"(load average {os.getloadavg()[0]:.2f})")
    bench_rows(args.db, Results(), args.reps)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="the notebook (default: bench/out/bench-N-M.db)")
    parser.add_argument("--reuse", action="store_true", help="reuse --db if it has the sizes")
    parser.add_argument("--only", choices=("advice",), help="just these rows, on --db as it is")
    parser.add_argument("--reps", type=int, default=5, help="runs of each (--only advice)")
    parser.add_argument("--now", help="the clock of the advice rows (default: --only advice "
                        f"{run_advice.NOW}, else the time the notebook is generated for)")
    parser.add_argument("--report", type=Path, help="also write the table here (--only advice)")
    args = parser.parse_args(argv)
    if args.only:
        only_advice(args)
        return
    db = args.db or OUT / f"bench-{args.cases}-{args.interactions}.db"
    small = OUT / f"bench-{SMALL[0]}-{SMALL[1]}.db"
    results = Results()
    began = time.time()
    print(HEADER)
    calibration(results, "start")
    notebook(db, args.cases, args.interactions, args.reuse, results)
    notebook(small, *SMALL, True, Results())
    with Store(db, create=False) as store:
        bench_lists(store, results)
        bench_search(store, results)
        bench_logging(store, results)
        bench_advice(store, results)
    bench_ui_start(db, results)
    bench_forms(db, results)
    bench_cli_start(db, results)
    run_stats.bench_rows(db, results)   # issue 15: stats CLI CPU, the stats screen
    run_search.bench_rows(db, results)  # issue 15: a typed query's hits on screen
    run_advice.bench_rows(db, results, now=args.now or datetime.now(timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"))   # generate()'s data is relative to this hour
    bench_memory(db, small, results)
    run_import.bench_import(db, results)   # export, import into an empty notebook, merge
    calibration(results, "end")
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"cases": args.cases, "interactions": args.interactions, "db": str(db),
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds": round(time.time() - began, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(),
            "loadavg": os.getloadavg(), "note": "shared machine: timings are noisy"}
    (OUT / "results.json").write_text(json.dumps({"meta": meta, "rows": results.rows},
                                                 indent=1) + "\n")
    over = [r["operation"] for r in results.rows if r["verdict"] == "OVER"]
    print(f"\n{len(results.rows)} rows in {meta['seconds']} s; over budget: {len(over)}; "
          f"pending: {sum(r['verdict'] == 'pending' for r in results.rows)}; "
          f"results in {OUT / 'results.json'}")


def only_advice(args) -> None:
    if not args.db or not args.db.exists():
        raise SystemExit("--only advice needs --db NOTEBOOK: a copy it may write to (the "
                         "advice cache), e.g. of a notebook bench/generate.py made")
    results = Results()
    began = time.time()
    load = os.getloadavg()
    print(HEADER)
    now = args.now or run_advice.NOW
    run_advice.bench_rows(args.db, results, reps=args.reps, now=now)
    seconds = round(time.time() - began, 1)
    meta = {"db": str(args.db), "now": now, "reps": args.reps, "seconds": seconds,
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(), "loadavg_start": load, "loadavg_end": os.getloadavg(),
            "note": "shared machine: read the ratios, not the milliseconds"}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "advice.json").write_text(json.dumps({"meta": meta, "rows": results.rows},
                                                indent=1) + "\n")
    if args.report:
        head = [f"# supportlog issue 12 advice rows, {meta['when']}, --now {now}, "
                f"median of {args.reps} runs each, interleaved with the reference",
                f"# {args.db}; {os.cpu_count()} cores shared with other work, load average "
                f"{load[0]:.2f} at start, {meta['loadavg_end'][0]:.2f} at end: read the "
                "ratios, not the milliseconds"]
        args.report.write_text("\n".join(head + results.lines) + "\n")
    print(f"\n{len(results.rows)} rows in {seconds} s; results in {OUT / 'advice.json'}")


if __name__ == "__main__":
    main()
