"""Fixtures for the deploy tests: the repository's ``deploy/`` folder and a private cluster.

Without PostgreSQL server binaries the drill tests skip, unless ``PLATINUM_REQUIRE_POSTGRES=1``
(CI sets it after installing ``postgresql-15``), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.pg_cluster import PgCluster, find_server_bin, private_cluster

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="session")
def deploy_dir() -> Path:
    return DEPLOY


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    bin_dir = find_server_bin()
    if bin_dir is None:
        message = "PostgreSQL server binaries missing (apt-get install postgresql-15)"
        if os.environ.get("PLATINUM_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with private_cluster(bin_dir) as cluster:
        yield cluster
