"""The shared remote: a bare repository that is the only arbiter of claims.

``init_remote`` sets ``receive.denyNonFastForwards`` and ``receive.denyDeletes`` (a push is
a compare-and-swap on ``main``), advertises push options, seeds ``main`` with the vault
layout, and installs two tiny shell hooks that exec this interpreter on
``-m employee.sync.hook`` (pre-receive) or, for post-receive, only sends the wake-up
datagrams from bash so a push does not wait for a second interpreter.

Identity on the embedded default is the push option ``agent=NAME``. On a real server each
agent gets its own SSH key, and ``authorized_keys`` pins the identity so no option can lie::

    command="PLATINUM_AGENT=cloud git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",restrict \\
        ssh-ed25519 AAAA... cloud
    command="PLATINUM_AGENT=local git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",restrict \\
        ssh-ed25519 AAAA... local

(one line per key in the real file; wrapped here). ``git-shell`` passes the environment on to
``git-receive-pack`` and so to the hook.

The hook prefers ``PLATINUM_AGENT`` and refuses a push whose ``agent=`` option disagrees.
"""

from __future__ import annotations

import os
import shlex
import site
import sys
import tempfile
from pathlib import Path

import employee
from employee.errors import SyncError
from employee.sync._git import Git, hermetic_env
from employee.sync.hook import LISTENERS
from employee.sync.policy import DEFAULT_SIZE_CAP
from employee.vault import GITIGNORE, Vault

__all__ = ["hook_script", "init_remote"]


def hook_script(name: str, *, resident_checker: bool = False) -> str:
    """The shell script installed as hook ``name``.

    The interpreter starts with ``-S`` (no ``site``: its ``.pth`` processing costs a push as
    much as the checks themselves) and finds this package and its dependencies through an
    explicit ``PYTHONPATH``: the package root, then this interpreter's site-packages folders.
    With ``resident_checker``, ``pre-receive`` asks :mod:`employee.sync.checker` (started on
    the first push) instead of importing the checks itself.
    """
    package_root = Path(employee.__file__).resolve().parent.parent
    paths = [str(package_root), *_site_folders()]
    if resident_checker and name == "pre-receive":
        client = package_root / "employee" / "sync" / "hookclient.py"
        command = f"-S -P {shlex.quote(str(client))}"  # -P: not its folder on sys.path
    else:
        command = f"-S -m employee.sync.hook {name}"
    return (
        "#!/bin/sh\n"
        f"PYTHONPATH={shlex.quote(os.pathsep.join(paths))}${{PYTHONPATH:+:$PYTHONPATH}}\n"
        "export PYTHONPATH\n"
        f"exec {shlex.quote(sys.executable)} {command}\n"
    )


def _site_folders() -> list[str]:
    """This interpreter's site-packages folders (where detect-secrets, PyYAML... live)."""
    found = [*site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        found.append(site.getusersitepackages())
    return [p for p in dict.fromkeys(found) if Path(p).is_dir()]


_NOTIFY = """\
#!/bin/bash
# Wake every registered replica (one UDP datagram each); never fails the push.
for entry in platinum/listeners/*.port; do
    [ -f "$entry" ] || continue
    port=""
    read -r port < "$entry" 2>/dev/null || [ -n "$port" ] || continue
    case "$port" in ''|*[!0-9]*) continue ;; esac
    { printf 'changed' > "/dev/udp/127.0.0.1/$port"; } 2>/dev/null
done
exit 0
"""


def init_remote(
    path: Path,
    *,
    size_cap: int = DEFAULT_SIZE_CAP,
    protect: bool = True,
    seed: bool = True,
    resident_checker: bool = False,
) -> Path:
    """Create the bare remote at ``path`` and return it.

    ``protect=False`` leaves out the pre-receive hook and the fast-forward/deletion guards:
    only tests use it, as the positive control that shows the guards matter.
    ``resident_checker=True`` runs the same checks in a resident process
    (:mod:`employee.sync.checker`); stop it with ``stop_checker(path)`` when done.
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise SyncError("remote path exists and is not empty", path=str(path))
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="platinum-seed-") as tmp:
        home = Path(tmp)
        git = Git(path, hermetic_env(home), git_dir=path)
        git.run("init", "-q", "--bare", "-b", "main", str(path))
        settings = {
            "receive.advertisePushOptions": "true",
            "platinum.sizeCap": str(size_cap),
            "gc.auto": "0",
        }
        if protect:
            settings |= {"receive.denyNonFastForwards": "true", "receive.denyDeletes": "true"}
        for key, value in settings.items():
            git.run("config", key, value)
        if seed:
            _seed(path, home / "seed")
    hooks = ["post-receive", "pre-receive"] if protect else ["post-receive"]
    for name in hooks:
        script = path / "hooks" / name
        script.write_text(
            _NOTIFY
            if name == "post-receive"
            else hook_script(name, resident_checker=resident_checker)
        )
        script.chmod(0o755)
    (path / LISTENERS).mkdir(parents=True, exist_ok=True)
    return path


def _seed(remote: Path, work: Path) -> None:
    """Push a first commit holding the vault layout and the allow-list ``.gitignore``."""
    work.mkdir()
    Vault.init(work)
    gitignore = work / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE)
    git = Git(work, hermetic_env(work.parent, "platinum"))
    git.run("init", "-q", "-b", "main")
    git.run("add", "-A")
    git.run("commit", "-q", "--allow-empty", "-m", "Initialise the vault")
    git.run("push", "-q", str(remote), "HEAD:refs/heads/main")
