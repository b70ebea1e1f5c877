"""schema.sql and the JSON Schema ship inside the wheel, identical to the files here, and the
installed package reads them from there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_schema_sql(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("supportlog-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert zf.read("tui/schema.sql") == (ROOT / "schema.sql").read_bytes()
        schema_json = "tui/schema/supportlog.schema.json"   # `supportlog schema` prints it
        assert zf.read(schema_json) == (ROOT / schema_json).read_bytes()
        rules_pack = "tui/rules/consumer.toml"   # `supportlog rules` reads it
        assert zf.read(rules_pack) == (ROOT / rules_pack).read_bytes()
        entry = zf.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "supportlog = tui.cli:main" in entry
    # Run the code from the unpacked wheel alone (dependencies from this environment).
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = ("import tui.store.schema as s, tui; "
             "from tui.commands.json_schema import load_schema; "
             "print(tui.__file__); print(s.schema_version()); print(len(load_schema()['$defs']))")
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, "
                          f"{str(unpacked)!r}); {probe}"], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    module_file, version, definitions = out.stdout.split()
    assert int(definitions) > 20
    top = re.search(r"PRAGMA user_version = (\d+)", (ROOT / "schema.sql").read_text()).group(1)
    assert module_file.startswith(str(unpacked)) and version == top
