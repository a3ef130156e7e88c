"""The benchmarks stay runnable: ``make bench`` is run on demand, not in CI, so a script
broken by a change elsewhere would otherwise go unnoticed until someone needs its numbers."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(BENCH.glob("bench_*.py"))


def test_make_bench_runs_every_benchmark_script():
    from bench.run_all import BENCHMARKS

    listed = {Path(command[0]).name for _, command in BENCHMARKS}
    assert listed == {script.name for script in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.stem)
def test_each_benchmark_script_imports(script, monkeypatch):
    # Run as scripts, they find their neighbours (diaries, served) beside them.
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_check_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # module level only: main() runs under __main__
    assert callable(module.main)
