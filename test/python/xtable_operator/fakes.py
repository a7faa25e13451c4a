"""A stand-in for ``java``, and helpers to script what it prints.

The fake is a Python script. It records how it was called (arguments, working
directory, the config files it was given) and then follows its steps: print a
line on stdout or stderr, wait for a file, sleep; finally it exits with the
given code, or kills itself with the signal for a negative one.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FAKE_JAVA = r'''
"""Stands in for java: records its call, then follows the steps in its spec."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

spec = json.loads(Path(sys.argv[0] + ".json").read_text())
args = sys.argv[1:]
call = {"java": sys.argv[0], "args": args, "cwd": os.getcwd(), "files": {}}
call["listing"] = sorted(os.listdir(os.getcwd()))
for flag in ("--datasetConfig", "--icebergCatalogConfig"):
    if flag in args:
        path = args[args.index(flag) + 1]
        call["files"][flag] = {"path": path, "text": Path(path).read_text()}
if spec["spawn_sleeper"]:  # a grandchild holding our stdout open for 30 s
    call["sleeper_pid"] = subprocess.Popen(["sleep", "30"]).pid
with open(spec["calls"], "a") as calls:
    calls.write(json.dumps(call) + "\n")
for step in spec["steps"]:
    if "out" in step:
        print(step["out"], flush=True)
    elif "err" in step:
        print(step["err"], file=sys.stderr, flush=True)
    elif "wait_for" in step:
        deadline = time.monotonic() + 30
        while not Path(step["wait_for"]).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    elif "sleep" in step:
        time.sleep(step["sleep"])
if spec["exit"] < 0:
    os.kill(os.getpid(), -spec["exit"])
sys.exit(spec["exit"])
'''


def result_line(*datasets: dict[str, Any], ok: bool | None = None) -> str:
    if ok is None:
        ok = all(entry["status"] == "SUCCESS" for entry in datasets)
    payload = {"ok": ok, "datasets": list(datasets)}
    return "pipegen-xtable-result: " + json.dumps(payload)


def synced(table: str, fmt: str) -> dict[str, Any]:
    return {"table": table, "format": fmt, "status": "SUCCESS", "error": None}


def failed(table: str, fmt: str, error: str) -> dict[str, Any]:
    return {"table": table, "format": fmt, "status": "FAILED", "error": error}


def refused(table: str, fmt: str, feature: str, detail: str) -> dict[str, Any]:
    """An entry the launcher's safety check refused, as it writes one."""
    return {
        "table": table,
        "format": fmt,
        "status": "REFUSED",
        "error": f"refusing to translate the Delta table {table} (s3://lake/{table}): "
        f"{feature} \u2014 {detail}. XTable would fail on it or produce an Iceberg "
        "table with wrong data or a wrong schema; nothing was synced.",
        "sync": None,
        "refusals": [{"feature": feature, "detail": detail}],
    }


def err(text: str) -> dict[str, str]:
    """A step that prints ``text`` on stderr."""
    return {"err": text}


def sleep(seconds: float) -> dict[str, float]:
    return {"sleep": seconds}


def wait_for(path: Path) -> dict[str, str]:
    return {"wait_for": str(path)}


@dataclass
class FakeJava:
    path: Path
    calls_file: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def call(self) -> dict[str, Any]:
        (only,) = self.calls()
        return only


def write_fake_java(
    path: Path,
    *steps: str | dict[str, Any],
    exit_code: int = 0,
    spawn_sleeper: bool = False,
) -> FakeJava:
    """Write an executable fake at ``path``; plain strings are stdout lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    calls_file = path.with_name(path.name + ".calls")
    spec = {
        "steps": [{"out": step} if isinstance(step, str) else step for step in steps],
        "exit": exit_code,
        "spawn_sleeper": spawn_sleeper,
        "calls": str(calls_file),
    }
    Path(f"{path}.json").write_text(json.dumps(spec))
    path.write_text(f"#!{sys.executable}\n{FAKE_JAVA}")
    path.chmod(0o755)
    return FakeJava(path, calls_file)


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
