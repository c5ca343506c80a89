"""Sessions for Platinum: `nox -l` lists them, README.md explains them."""

from __future__ import annotations

import os
import tempfile

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck"]

PACKAGES = ["employee", "fakes", "harness"]


def _install(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


def _pytest(session: nox.Session, *args: str) -> None:
    """Run pytest with the repository tree kept clean (coverage data goes to a temp folder)."""
    scratch = tempfile.mkdtemp(prefix="platinum-nox-")
    env = {
        "COVERAGE_FILE": os.path.join(scratch, ".coverage"),
        "HYPOTHESIS_STORAGE_DIRECTORY": os.path.join(scratch, ".hypothesis"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    session.run("pytest", *args, *session.posargs, env=env)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole suite (unit, fakes vs real clients, contract, BDD features)."""
    _install(session, "tests", "notebooks", "odoo-mcp-peer")
    _pytest(
        session,
        "--cov=employee.vault",
        "--cov-branch",
        "--cov-report=term",
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Run the Platinum demo end to end and write its report (default: ./reports/<time>)."""
    _install(session)
    session.run("python", "-m", "harness.demo", *session.posargs)


@nox.session(default=False)
def notebooks(session: nox.Session) -> None:
    """Execute the walkthrough notebooks (the tests session runs them too)."""
    _install(session, "tests", "notebooks")
    _pytest(session, "tests/notebooks")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Measure DESIGN.md §5 (propagation, gate latencies, two-worker burst) into bench.json."""
    _install(session)
    session.run("python", "-m", "bench.run", *(session.posargs or ["--out", "bench-out"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common bugs with ruff."""
    session.install("ruff>=0.6")
    paths = ["employee", "fakes", "harness", "bench", "tests", "noxfile.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages with mypy --strict."""
    _install(session, "typecheck", "tests")
    session.run("mypy", *PACKAGES)
