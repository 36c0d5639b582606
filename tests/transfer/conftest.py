"""A real OpenSSH server serving a landing folder over SFTP (tests/sshd.py), and the Airflow
connection to it given as an ``AIRFLOW_CONN_<ID>`` variable, as a deployment gives it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import sshd

CONN_ID = "partnership_landing"
CONN_VAR = f"AIRFLOW_CONN_{CONN_ID.upper()}"


@pytest.fixture(scope="session")
def sftp_provider() -> None:
    """Airflow's SFTP provider, imported once with the real environment: Airflow settles its
    home folder at import, and the tests then point HOME elsewhere (no ~/.ssh of the machine's
    may help or hinder a test)."""
    import airflow.providers.sftp.hooks.sftp  # noqa: F401


def start_server(root: Path) -> sshd.SshServer:
    if not sshd.available():
        pytest.fail(
            "OpenSSH's server is not installed: `make sshd` (apt-get install openssh-server)"
        )
    return sshd.SshServer(root).start()


@pytest.fixture
def server(tmp_path, monkeypatch, sftp_provider) -> Iterator[sshd.SshServer]:
    """An SFTP server whose sessions start in ``tmp_path/landing``, with the connection
    ``partnership_landing`` to it defined."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    s = start_server(tmp_path / "landing")
    monkeypatch.setenv(CONN_VAR, s.airflow_connection_json())
    try:
        yield s
    finally:
        s.stop()
