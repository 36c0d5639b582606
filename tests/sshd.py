"""A real OpenSSH server for tests: the partnership's SFTP server in miniature.

``SshServer(root)`` generates its own ed25519 host key and a user key pair into a temporary
folder, writes an ``sshd_config`` that accepts that key only (no password, no keyboard
interactive), listens on 127.0.0.1 on a free port and serves SFTP only, starting each session
in ``root`` (the partnership's landing folder) with ``ForceCommand internal-sftp -d <root>``.
Use it as a context manager; it runs ``/usr/sbin/sshd -D -e`` in the foreground and stops it
on exit. ``airflow_connection_json()`` gives the value for an ``AIRFLOW_CONN_<ID>`` variable,
and ``drop_sessions()`` kills the per-connection sshd processes, which is what a dropped
connection looks like to the client.

sshd is ``openssh-server`` (``apt-get install -y openssh-server``); :func:`available` says
whether it is installed.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

SSHD = Path("/usr/sbin/sshd")
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"
PRIVSEP_DIR = Path("/run/sshd")  # sshd refuses to start without it


def available() -> bool:
    return SSHD.exists() and Path(SSH_KEYGEN).exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(path: Path, comment: str) -> None:
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
    )


class SshServer:
    """An OpenSSH server serving ``root`` over SFTP to one key (see the module docstring)."""

    host = "127.0.0.1"

    def __init__(self, root: Path, start_timeout: float = 10.0):
        self.root = Path(root).resolve()
        self.user = getpass.getuser()
        self.port = free_port()
        self.start_timeout = start_timeout
        self.dir = Path(tempfile.mkdtemp(prefix="sshd-"))
        self.host_key_path = self.dir / "ssh_host_ed25519_key"
        self.user_key_path = self.dir / "id_ed25519"
        self.config_path = self.dir / "sshd_config"
        self.log_path = self.dir / "sshd.log"
        self.process: subprocess.Popen[bytes] | None = None

    # -- what a client needs -------------------------------------------------------------

    @property
    def host_public_key(self) -> str:
        """The host key as a connection's ``host_key`` extra wants it: ``ssh-ed25519 AAAA…``."""
        kind, data = self.host_key_path.with_suffix(".pub").read_text().split()[:2]
        return f"{kind} {data}"

    @property
    def user_public_key(self) -> str:
        return self.user_key_path.with_suffix(".pub").read_text().strip()

    def airflow_connection_json(self, **extras: Any) -> str:
        """The JSON for ``AIRFLOW_CONN_<ID>``: an sftp connection with this server's host key
        and the user key's file. ``extras`` are added to (or replace) the connection's extra;
        an extra given as ``None`` is left out."""
        extra: dict[str, Any] = {
            "key_file": str(self.user_key_path),
            "host_key": self.host_public_key,
        }
        extra.update(extras)
        return json.dumps(
            {
                "conn_type": "sftp",
                "host": self.host,
                "port": self.port,
                "login": self.user,
                "extra": {k: v for k, v in extra.items() if v is not None},
            }
        )

    # -- running -------------------------------------------------------------------------

    def start(self) -> SshServer:
        if not available():
            raise RuntimeError(f"{SSHD} is not installed: apt-get install -y openssh-server")
        if os.geteuid() == 0:  # only root's sshd separates privileges
            PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)
        keygen(self.host_key_path, "test-host")
        keygen(self.user_key_path, "test-agency")
        authorized = self.dir / "authorized_keys"
        authorized.write_text(self.user_public_key + "\n")
        authorized.chmod(0o600)
        self.config_path.write_text(
            "\n".join(
                [
                    f"ListenAddress {self.host}",
                    f"Port {self.port}",
                    f"HostKey {self.host_key_path}",
                    f"AuthorizedKeysFile {authorized}",
                    f"PidFile {self.dir / 'sshd.pid'}",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin prohibit-password",
                    "StrictModes no",
                    "UsePAM no",
                    "AllowTcpForwarding no",
                    "X11Forwarding no",
                    "LogLevel VERBOSE",
                    "Subsystem sftp internal-sftp",
                    f"ForceCommand internal-sftp -d {self.root}",
                    "",
                ]
            )
        )
        log = open(self.log_path, "wb")  # noqa: SIM115 (kept open for the server's life)
        self.process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(self.config_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd exited at start:\n{self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sshd did not listen on {self.host}:{self.port}:\n{self.log()}")

    def sessions(self) -> list[psutil.Process]:
        """The per-connection sshd processes (the listener's descendants)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def drop_sessions(self) -> int:
        """Kill every current SFTP session (SIGKILL): the client's connection drops as it would
        if the network failed. The listener stays up, so a new connection works. Returns how
        many processes were killed."""
        killed = 0
        for proc in self.sessions():
            try:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            except psutil.NoSuchProcess:
                pass
        return killed

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.drop_sessions()
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> SshServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def mount_tmpfs(path: Path, size: str) -> bool:
    """Mount a tmpfs of ``size`` (e.g. ``"2m"``) on ``path``; False if this machine does not
    allow it (not root, or no CAP_SYS_ADMIN in a container)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
    )
    return result.returncode == 0


def remount_tmpfs(path: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)
