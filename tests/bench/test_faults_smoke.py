"""The smoke run of bench/faults.py, so that it cannot rot: it starts the
scaled setup of its own (scripts/scaled: its PostgreSQL, Redis, nginx,
gunicorn and daphne workers, in a throwaway directory), so its outcome does
not depend on the suite's backend and it runs once, in the SpatiaLite
pass. It checks that every phase ran and printed its figures, and that no
acknowledged message was lost; how fast anything was is not checked."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.one_backend, pytest.mark.slow(35)]


def test_faults_quick():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "faults.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert re.search(r"1\. an HTTP worker killed under load: \d+ requests, \d+ failed", output)
    assert re.search(r"2\. one websocket worker killed: \d+ clients dropped", output)
    assert re.search(r"3\. every websocket worker killed: \d+ clients dropped", output)
    assert re.search(r"4\. soak of \d+ s, \d+ reconnections: server RSS [\d.]+ MB", output)
    assert re.search(r"messages: \d+ acknowledged, 0 of them missing", output), output
