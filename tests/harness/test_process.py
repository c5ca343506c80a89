"""ManagedProcess and ProcessGroup with tiny Python children: ready lines, logs, no orphans."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.errors import HarnessError, WaitTimeout, WorldStartupError
from harness.process import ManagedProcess, ProcessGroup, free_port
from harness.wait import wait_until

PAUSE = "import signal; signal.pause()"


def _pid_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def group() -> Iterator[ProcessGroup]:
    with ProcessGroup(stop_timeout=5) as procs:
        yield procs


def _child(tmp_path: Path, name: str, code: str, **env: str) -> ManagedProcess:
    return ManagedProcess(
        name=name,
        argv=[sys.executable, "-c", textwrap.dedent(code)],
        env=dict(env),
        cwd=tmp_path,
        log_path=tmp_path / "logs" / f"{name}.log",
    )


def test_start_returns_first_json_object_line(tmp_path: Path, group: ProcessGroup) -> None:
    proc = group.add(
        _child(
            tmp_path,
            "svc",
            f"""
            import json, os, sys
            print("booting...")
            print("[1, 2]")
            print("{{not json")
            print("warming up", file=sys.stderr)
            print(json.dumps({{"port": 1234, "who": os.environ["WHO"]}}))
            print(json.dumps({{"second": True}}))
            {PAUSE}
            """,
            WHO="cloud",
        )
    )
    ready = proc.start(ready_timeout=10)
    assert ready == {"port": 1234, "who": "cloud"}
    assert proc.ready == ready
    assert proc.alive()
    assert proc.pid is not None
    wait_until(lambda: "second" in proc.log_tail(), timeout=5, describe="the line after ready")
    log = proc.log_path.read_text()
    assert "booting..." in log
    assert "warming up" in log  # stderr lands in the same log
    assert "[1, 2]" in log


def test_exit_before_ready_raises_with_log_tail(tmp_path: Path) -> None:
    proc = _child(
        tmp_path,
        "broken",
        """
        import sys
        print("config loaded")
        print("ConfigError: PLATINUM_VAULT is not set", file=sys.stderr)
        sys.exit(3)
        """,
    )
    with pytest.raises(WorldStartupError) as info:
        proc.start(ready_timeout=10)
    message = str(info.value)
    assert "broken: exited with code 3" in message
    assert "PLATINUM_VAULT is not set" in message
    assert "config loaded" in message
    assert not proc.alive()
    assert proc.returncode == 3


def test_ready_timeout_raises_and_stops_the_child(tmp_path: Path) -> None:
    proc = _child(tmp_path, "slow", f'print("still thinking"); {PAUSE}')
    with pytest.raises(WorldStartupError) as info:
        proc.start(ready_timeout=0.5)
    assert "no ready line within 0.5s" in str(info.value)
    assert "still thinking" in str(info.value)
    assert not proc.alive()
    assert proc.pid is not None
    assert not _pid_running(proc.pid)


def test_missing_executable_is_a_startup_error(tmp_path: Path) -> None:
    proc = ManagedProcess(
        name="ghost",
        argv=[str(tmp_path / "no-such-binary")],
        env={},
        cwd=tmp_path,
        log_path=tmp_path / "ghost.log",
    )
    with pytest.raises(WorldStartupError, match="ghost: cannot start"):
        proc.start()


def test_env_is_laid_over_the_environment_or_replaces_it(
    tmp_path: Path, group: ProcessGroup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLATINUM_TEST_OUTER", "leak")
    code = f"import json, os; print(json.dumps({{'env': sorted(os.environ)}})); {PAUSE}"
    for inherit in (True, False):
        proc = ManagedProcess(
            name=f"env-{inherit}",
            argv=[sys.executable, "-c", code],
            env={"ONLY": "1"},
            cwd=tmp_path,
            log_path=tmp_path / "env.log",
            inherit_env=inherit,
        )
        env = group.add(proc).start(ready_timeout=10)["env"]
        assert "ONLY" in env
        assert "PYTHONUNBUFFERED" in env
        assert ("PLATINUM_TEST_OUTER" in env) is inherit


def test_terminate_sigterm_then_idempotent(tmp_path: Path) -> None:
    proc = _child(tmp_path, "polite", f'print("{{}}"); {PAUSE}')
    proc.start(ready_timeout=10)
    assert proc.terminate(timeout=5) == -signal.SIGTERM
    assert not proc.alive()
    assert proc.terminate() == -signal.SIGTERM  # idempotent
    assert proc.returncode == -signal.SIGTERM
    assert not [t for t in threading.enumerate() if t.name == "stdout-polite"]


def test_terminate_escalates_to_sigkill(tmp_path: Path) -> None:
    proc = _child(
        tmp_path,
        "stubborn",
        f"""
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("{{}}")
        {PAUSE}
        """,
    )
    proc.start(ready_timeout=10)
    assert proc.terminate(timeout=0.3) == -signal.SIGKILL


GRANDPARENT = f"""
import json, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "{PAUSE}"])
print(json.dumps({{"grandchild": child.pid}}))
{PAUSE}
"""


def test_terminate_kills_the_whole_group(tmp_path: Path) -> None:
    proc = _child(tmp_path, "parent", GRANDPARENT)
    grandchild = proc.start(ready_timeout=10)["grandchild"]
    assert _pid_running(grandchild)
    proc.terminate(timeout=5)
    wait_until(lambda: not _pid_running(grandchild), timeout=5, describe="grandchild gone")


def test_kill_is_a_crash_of_exactly_that_pid(tmp_path: Path, group: ProcessGroup) -> None:
    proc = group.add(_child(tmp_path, "agent", GRANDPARENT))
    grandchild = proc.start(ready_timeout=10)["grandchild"]
    proc.kill()
    assert not proc.alive()
    assert proc.returncode == -signal.SIGKILL
    assert _pid_running(grandchild)  # a crash leaves the children behind
    proc.terminate()  # the group is still cleaned up
    wait_until(lambda: not _pid_running(grandchild), timeout=5, describe="grandchild gone")


def test_restart_after_crash_appends_to_the_log(tmp_path: Path, group: ProcessGroup) -> None:
    proc = group.add(
        _child(
            tmp_path,
            "again",
            f'import json, os; print(json.dumps({{"pid": os.getpid()}})); {PAUSE}',
        )
    )
    first = proc.start(ready_timeout=10)
    proc.kill()
    second = proc.start(ready_timeout=10)
    assert first["pid"] != second["pid"]
    assert proc.log_path.read_text().count("--- again: start") == 2


def test_start_while_running_is_refused(tmp_path: Path, group: ProcessGroup) -> None:
    proc = group.add(_child(tmp_path, "once", f'print("{{}}"); {PAUSE}'))
    proc.start(ready_timeout=10)
    with pytest.raises(HarnessError, match="already running"):
        proc.start()


def test_wait_exit(tmp_path: Path, group: ProcessGroup) -> None:
    proc = group.add(
        _child(
            tmp_path,
            "quitter",
            """
            import sys
            print("{}")
            sys.stdin.read()  # stdin is /dev/null: returns at once
            print("bye")
            sys.exit(5)
            """,
        )
    )
    proc.start(ready_timeout=10)
    assert proc.wait_exit(timeout=10) == 5
    runner = group.add(_child(tmp_path, "runner", f'print("{{}}"); print("tick"); {PAUSE}'))
    runner.start(ready_timeout=10)
    with pytest.raises(WaitTimeout) as info:
        runner.wait_exit(timeout=0.05)
    assert "runner: still running" in str(info.value)
    assert "tick" in str(info.value)


def test_wait_exit_never_started(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="never started"):
        _child(tmp_path, "idle", "").wait_exit(0.1)


def test_log_tail_limits_lines(tmp_path: Path) -> None:
    proc = _child(
        tmp_path, "chatty", 'import sys\nfor i in range(100): print(f"line {i}")\nprint("{}")'
    )
    proc.start(ready_timeout=10)
    proc.wait_exit(10)
    proc.terminate()
    tail = proc.log_tail(3).splitlines()
    assert tail == ["line 98", "line 99", "{}"]
    assert _child(tmp_path, "nolog", "").log_tail() == ""


def test_group_stops_in_reverse_order(tmp_path: Path) -> None:
    order = tmp_path / "order.txt"
    code = f"""
        import os, signal, sys
        def bye(*_):
            with open({str(order)!r}, "a") as f:
                f.write(os.environ["NAME"] + "\\n")
            sys.exit(0)
        signal.signal(signal.SIGTERM, bye)
        print("{{}}")
        while True:
            signal.pause()
        """
    with ProcessGroup() as procs:
        for name in ("fakes", "cloud", "local"):
            procs.add(_child(tmp_path, name, code, NAME=name)).start(ready_timeout=10)
        assert len(procs) == 3
        assert [p.name for p in procs] == ["fakes", "cloud", "local"]
    assert order.read_text().split() == ["local", "cloud", "fakes"]
    assert procs.processes == []
    assert procs.stop_all() == {}


def test_atexit_safety_net_leaves_no_orphans(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from harness.process import ManagedProcess, ProcessGroup
        group = ProcessGroup()
        proc = group.add(ManagedProcess(
            name="left", argv=[sys.executable, "-c", 'print("{{}}"); {PAUSE}'],
            env={{}}, cwd=Path({str(tmp_path)!r}), log_path=Path({str(tmp_path)!r}) / "left.log"))
        proc.start(ready_timeout=10)
        print(proc.pid)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    pid = int(done.stdout.strip())
    wait_until(lambda: not _pid_running(pid), timeout=5, describe="child stopped at exit")


def test_free_port_is_bindable() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_ready_line_json_is_an_object_only() -> None:
    from harness.process import _parse_ready

    assert _parse_ready(b'{"a": 1}\n') == {"a": 1}
    assert _parse_ready(b"  {}  ") == {}
    assert _parse_ready(b"[1]") is None
    assert _parse_ready(b"{broken") is None
    assert _parse_ready(json.dumps("x").encode()) is None


def test_endless_line_is_logged_in_bounded_chunks(tmp_path: Path, group: ProcessGroup) -> None:
    proc = group.add(
        _child(
            tmp_path,
            "flood",
            f"""
            import sys
            sys.stdout.write("z" * 3_000_000)
            sys.stdout.write('{{"ready": 1}}' + chr(10))
            sys.stdout.flush()
            {PAUSE}
            """,
        )
    )
    # The JSON object does not start its line: it is not a ready line.
    with pytest.raises(WorldStartupError, match="no ready line"):
        proc.start(ready_timeout=1.0)
    assert proc.log_path.stat().st_size > 3_000_000
    assert proc.log_tail(1).endswith('{"ready": 1}')
