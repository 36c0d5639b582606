"""The partnership's SFTP server as a :class:`~neglect_warehouse.agency.transfer.Remote`,
through an Airflow connection (docs/transfer.md).

The connection (type ``sftp``) gives the host, port and login, and a key: the ``key_file``
extra (a path on the worker) or ``private_key`` (the key's text). The server's host key is
always checked, against the ``host_key`` extra (``ssh-ed25519 AAAA…``) or else the worker's
``~/.ssh/known_hosts``: a connection's ``no_host_key_check`` or ``allow_host_key_change`` is
overridden. Airflow's SFTP provider (paramiko underneath) is imported when the remote first
connects, never at import, so a DAG that names a destination still parses fast; this is the
one agency module allowed to import Airflow.

Every failure becomes a :class:`RemoteError` whose message is the cause in plain words. One
needs care: OpenSSH's SFTP server answers a write that failed for lack of space with the bare
status "Failure" (``SSH2_FX_FAILURE``: sftp-server has no code for ``ENOSPC``, nor for any
errno but a few), which paramiko raises as ``OSError("Failure")`` with no errno. The remote
then asks the server how much space is left (the ``statvfs@openssh.com`` extension) and says
the receiver is out of disk space only when it is.
"""

from __future__ import annotations

import posixpath
import socket
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

import paramiko
from paramiko.sftp import CMD_EXTENDED, CMD_EXTENDED_REPLY

from neglect_warehouse.agency.transfer import SFTP_SCHEME, RemoteError, describe_os_error

T = TypeVar("T")
CONNECT_TIMEOUT = 30  # seconds, unless the connection's conn_timeout extra says otherwise
LOW_SPACE = 1 << 20  # bytes free below which a failed write is put down to a full disk
STATVFS = "statvfs@openssh.com"


class SftpRemote:
    """The SFTP server of Airflow connection ``conn_id``. Paths are relative to the folder the
    server starts sessions in (the partnership's landing folder) unless absolute. Connects on
    first use and again after a dropped connection (so a failed upload's staging file can be
    removed); ``timeout`` bounds the wait for any one reply."""

    def __init__(self, conn_id: str, timeout: float = 120.0):
        self.conn_id = conn_id
        self.timeout = timeout
        self._hook: Any = None
        self._sftp: Any = None

    @property
    def label(self) -> str:
        return f"{SFTP_SCHEME}{self.conn_id}"

    # -- the Remote protocol -------------------------------------------------------------

    def size(self, path: str) -> int | None:
        def stat(sftp: Any) -> int | None:
            try:
                return int(sftp.stat(path).st_size)
            except FileNotFoundError:
                return None

        return self._run(path, stat)

    def put(self, local: Path, remote: str) -> None:
        expected = local.stat().st_size

        def upload(sftp: Any) -> None:
            sftp.put(str(local), remote, confirm=False)
            # paramiko pipelines the writes and never reads the replies to the last ones
            # (about 3 MB), so a write the server refused there shows only as a short file
            written = int(sftp.stat(remote).st_size)
            if written != expected:
                raise RemoteError(self._short_cause(remote, written, expected))

        self._run(remote, upload)

    def rename(self, src: str, dst: str) -> None:
        # posix-rename@openssh.com replaces dst atomically; plain SFTP rename refuses to.
        self._run(dst, lambda sftp: sftp.posix_rename(src, dst))

    def remove(self, path: str) -> None:
        self._run(path, lambda sftp: sftp.remove(path))

    def makedirs(self, path: str) -> None:
        def make(sftp: Any) -> None:
            current = "/" if path.startswith("/") else ""
            for part in (p for p in path.split("/") if p):
                current = posixpath.join(current, part) if current else part
                try:
                    sftp.stat(current)
                except FileNotFoundError:
                    sftp.mkdir(current)

        self._run(path, make)

    def close(self) -> None:
        sftp, hook = self._sftp, self._hook
        self._sftp = self._hook = None
        if sftp is not None:
            with suppress(Exception):
                sftp.close()
        if hook is not None and hook.client is not None:
            with suppress(Exception):
                hook.client.close()

    # -- connecting and explaining failures ----------------------------------------------

    def _run(self, path: str, op: Callable[[Any], T]) -> T:
        sftp = self._client()
        try:
            return op(sftp)
        except RemoteError:
            raise
        except Exception as e:
            raise RemoteError(self._cause(e, path)) from e

    def _active(self) -> bool:
        if self._sftp is None:
            return False
        transport = self._sftp.get_channel().get_transport()
        return bool(transport is not None and transport.is_active())

    def _client(self) -> Any:
        if self._active():
            return self._sftp
        self.close()
        try:
            from airflow.providers.sftp.hooks.sftp import SFTPHook

            # one attempt: a refused host key or key is not worth retrying, and a task's
            # retries cover a server that was briefly unreachable
            hook = SFTPHook(
                ssh_conn_id=self.conn_id, no_host_key_check=False, conn_retry_attempts=1
            )
        except Exception as e:
            raise RemoteError(
                f"the Airflow connection {self.conn_id!r} cannot be used ({type(e).__name__}: {e})"
            ) from e
        hook.allow_host_key_change = False
        if hook.conn_timeout is None:
            hook.conn_timeout = CONNECT_TIMEOUT
        try:
            sftp = hook.get_conn()
        except Exception as e:
            if hook.client is not None:
                with suppress(Exception):
                    hook.client.close()
            raise RemoteError(self._connect_cause(e, f"{hook.remote_host}:{hook.port}")) from e
        channel = sftp.get_channel()
        if channel is not None:
            channel.settimeout(self.timeout)
        self._hook, self._sftp = hook, sftp
        return sftp

    def _connect_cause(self, e: Exception, where: str) -> str:
        conn = f"connection {self.conn_id!r}"
        if isinstance(e, paramiko.BadHostKeyException):
            return (
                f"the server's host key does not match the one configured for {conn}: refused, "
                "nothing sent. If the partnership has changed its key, confirm the new one with "
                "them (not from the server) and update the connection's host_key"
            )
        if isinstance(e, paramiko.AuthenticationException):
            return (
                f"the server at {where} refused the key of {conn} (authentication failed): check "
                "its key_file or private_key, and that the partnership holds the matching "
                "public key"
            )
        if isinstance(e, paramiko.SSHException) and "known_hosts" in str(e):
            return (
                f"the server's host key at {where} is not known for {conn}: give it in the "
                "connection's host_key extra (or the worker's ~/.ssh/known_hosts); refused, "
                "nothing sent"
            )
        if isinstance(e, socket.timeout):
            return f"the server at {where} did not answer in time ({conn})"
        if isinstance(e, OSError):
            return f"cannot connect to {where} ({conn}): {e.strerror or e}"
        return f"the SSH connection to {where} failed ({conn}): {type(e).__name__}: {e}"

    def _cause(self, e: Exception, path: str) -> str:
        if isinstance(e, socket.timeout):
            return f"the receiver stopped answering (no reply in {self.timeout:.0f} s)"
        if not self._active() or isinstance(e, (EOFError, paramiko.SSHException)):
            return "the connection to the receiver was lost"
        if isinstance(e, OSError) and e.errno is not None:
            return describe_os_error(e)
        if isinstance(e, OSError) and str(e) == "Failure":
            return self._failure_cause(path)
        return f"the server answered {type(e).__name__}: {e}"

    def _failure_cause(self, path: str) -> str:
        free = self._free_bytes(posixpath.dirname(path) or ".")
        if free is not None and free < LOW_SPACE:
            return f"the receiver is out of disk space ({free:,} bytes free)"
        known = "" if free is None else f"; it has {free:,} bytes free"
        return (
            'the server could not do it (SFTP status "Failure", which OpenSSH\'s server gives '
            f"for a full disk, a used-up quota or any error it has no code for{known})"
        )

    def _short_cause(self, path: str, written: int, expected: int) -> str:
        free = self._free_bytes(posixpath.dirname(path) or ".")
        if free is not None and free < LOW_SPACE:
            return (
                f"the receiver is out of disk space (only {written:,} of {expected:,} bytes "
                "could be written)"
            )
        return f"only {written:,} of {expected:,} bytes were written (the server gave no reason)"

    def _free_bytes(self, path: str) -> int | None:
        """Bytes free to the login at ``path`` on the server, by the statvfs@openssh.com
        extension (paramiko has no method for it, so the request is made by hand); None if
        the server does not say."""
        try:
            kind, msg = self._sftp._request(CMD_EXTENDED, STATVFS, path)
            if kind != CMD_EXTENDED_REPLY:
                return None
            _bsize, frsize, _blocks, _bfree, bavail = (msg.get_int64() for _ in range(5))
            return int(bavail * frsize)
        except Exception:
            return None
