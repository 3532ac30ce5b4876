"""The demo platform the browser tests and the API fuzzing serve: built once per test run, copied for each.

Building it (migrate, the demo, collectstatic) takes a minute and a half of CPU; both need it, and under
pytest-xdist they run on different workers. The first to ask builds it into the run's shared temporary
folder while holding a file lock; the other waits on the lock (no clock involved) and then finds it
built. Each gets a copy of its own, so what one changes the other never sees.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATABASE = "civichub.sqlite3"
# As `make demo` builds it.
BUILD = (["migrate", "-v0"], ["demo", "--no-progress"], ["collectstatic", "--noinput", "-v0"])


def _environment(var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civichub.settings",
        "CIVICHUB_VAR_DIR": str(var),
        "CIVICHUB_DATABASE_URL": f"sqlite:///{var / DATABASE}",
    }
    env.pop("CIVICHUB_DEBUG", None)
    return env


def _run_root(factory: pytest.TempPathFactory) -> Path:
    """The folder this run's workers share: under pytest-xdist each worker's base is a child of it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def demo_platform(factory: pytest.TempPathFactory, name: str) -> dict[str, str]:
    """A copy of the run's demo platform in a folder of its own: the environment that serves it."""
    root = _run_root(factory)
    template = root / "demo-template"
    with open(root / "demo-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (template / "built").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            env = _environment(template)
            for args in BUILD:
                command = [sys.executable, "-m", "civichub.cli", *args]
                subprocess.run(command, env=env, check=True, capture_output=True)
            (template / "built").touch()
    var = factory.mktemp(name)
    shutil.copytree(template, var, dirs_exist_ok=True)
    return _environment(var)
