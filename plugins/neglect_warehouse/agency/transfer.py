"""Handing one delivery over to the partnership (docs/transfer.md).

An agency's outbox holds ``<agency>/<agency>__<entity>__<YYYYMMDD>.csv`` and the manifest
``<agency>/<agency>__manifest__<YYYYMMDD>.json`` that lists them with their sha256. The
partnership's receiver treats a delivery as arrived when the manifest is in its
``<landing>/<agency>/`` folder and every file the manifest lists is there with the right sha256;
it ignores names starting with ``.``. :func:`send` copies a delivery to a :class:`Remote` (the
partnership's SFTP server, or a shared folder) so that the receiver never sees half of one:

1. The outbox is checked first: every file the manifest lists must be there with its sha256.
   A corrupted outbox is refused and nothing is sent.
2. The ledger beside the manifest (``.<manifest name>.sent``, JSON: for each destination, the
   name and sha256 of every file put in place there) says what earlier runs did. If it holds
   this manifest and the manifest is still at the destination, the delivery is already
   delivered: nothing is sent.
3. Any manifest of the same name at the destination (an earlier version of a corrected
   delivery) is withdrawn, so no manifest is in place while its files change.
4. Each file is uploaded to a staging name (``.<name>.part``) in the agency's folder, its size
   is checked against the local file's and it is renamed into place (an atomic replace). The
   ledger then records it. A file the ledger holds with the same sha256, and which is at the
   destination with the same size, is skipped: a re-run resumes where the last one stopped.
5. The manifest goes last, the same way.

Any failure removes the staging file being written (when the destination can still be reached)
and raises :class:`TransferError`, whose message names the file, the destination and the cause.
No manifest is then in place, so the receiver waits; the files already renamed into place stay,
and the ledger lets the next run skip them.

No Airflow here (the agency side runs without the partnership's platform): the SFTP
implementation of :class:`Remote` is ``sftp_remote.SftpRemote``, imported only when a
destination names it.
"""

from __future__ import annotations

import errno
import json
import os
import posixpath
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from neglect_warehouse.agency.delivery import sha256_of

SFTP_SCHEME = "sftp://"
PLAIN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")
AFTERWARDS = (
    "The manifest goes in place only after every file, so the partnership does not take this "
    "delivery in. Send it again once the cause is fixed: files already in place are not sent "
    "again."
)


class TransferError(Exception):
    """A delivery could not be handed over. The message says which file, where and why, in
    words an agency's operator can act on; it never holds a secret."""


class RemoteError(Exception):
    """Raised by a :class:`Remote` for a failure it understands: the message is the cause in
    plain words (e.g. "the receiver is out of disk space")."""


class Remote(Protocol):
    """Where a delivery goes. Paths are POSIX paths relative to the remote's root (the
    partnership's landing folder). Failures raise :class:`RemoteError` or ``OSError``."""

    @property
    def label(self) -> str:
        """The destination for messages (a folder, ``sftp://<connection id>``): no secret."""
        ...

    def size(self, path: str) -> int | None:
        """The size of the file at ``path``, or None if there is none."""
        ...

    def put(self, local: Path, remote: str) -> None:
        """Copy ``local`` to ``remote``, replacing what is there."""
        ...

    def rename(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst``, atomically replacing an existing ``dst``."""
        ...

    def remove(self, path: str) -> None: ...

    def makedirs(self, path: str) -> None:
        """Create the folder ``path`` and its parents if they are missing."""
        ...

    def close(self) -> None: ...


class FolderRemote:
    """A delivery into a folder on a file system the partnership shares (or, in tests and on
    one machine, its landing folder itself)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @property
    def label(self) -> str:
        return str(self.root)

    def _path(self, path: str) -> Path:
        return self.root / path

    def size(self, path: str) -> int | None:
        try:
            return self._path(path).stat().st_size
        except FileNotFoundError:
            return None

    def put(self, local: Path, remote: str) -> None:
        with open(local, "rb") as src, open(self._path(remote), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())

    def rename(self, src: str, dst: str) -> None:
        os.replace(self._path(src), self._path(dst))

    def remove(self, path: str) -> None:
        self._path(path).unlink()

    def makedirs(self, path: str) -> None:
        self._path(path).mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        pass


def remote_for(destination: str) -> tuple[Remote, str]:
    """The remote and the folder on it (relative to its root) that ``destination`` names:
    ``sftp://<connection id>/<folder>`` is the partnership's SFTP server through that Airflow
    connection (``<folder>`` relative to where its sessions start, ``//abs/path`` for an
    absolute one; empty for the start folder itself); anything else is a local folder."""
    if destination.startswith(SFTP_SCHEME):
        conn_id, _, folder = destination[len(SFTP_SCHEME) :].partition("/")
        if not conn_id:
            raise TransferError(f"{destination!r} names no connection: sftp://<connection id>/…")
        from neglect_warehouse.agency.sftp_remote import SftpRemote

        return SftpRemote(conn_id), folder
    return FolderRemote(Path(destination)), ""


@dataclass
class SendReport:
    """What :func:`send` did."""

    manifest: str  # the manifest's name
    destination: str  # where the agency's files went, e.g. sftp://landing/csc
    sent: list[str] = field(default_factory=list)  # put in place this run, the manifest last
    skipped: list[str] = field(default_factory=list)  # already in place (a resumed send)
    bytes_sent: int = 0
    seconds: float = 0.0
    already_delivered: bool = False

    def summary(self) -> str:
        if self.already_delivered:
            return f"{self.manifest} was already delivered to {self.destination}: nothing sent"
        resumed = f", {len(self.skipped)} already there" if self.skipped else ""
        return (
            f"{self.manifest} delivered to {self.destination}: {len(self.sent)} file(s), "
            f"{self.bytes_sent:,} bytes in {self.seconds:.1f} s{resumed}"
        )


@dataclass(frozen=True)
class _Local:
    name: str
    path: Path
    sha256: str
    size: int


def ledger_path(manifest: Path) -> Path:
    """Where :func:`send` records what it put in place: beside the manifest, hidden."""
    return manifest.with_name(f".{manifest.name}.sent")


def send(manifest: Path, remote: Remote, remote_dir: str = "") -> SendReport:
    """Hand the delivery ``manifest`` describes over to ``remote``, into
    ``<remote_dir>/<agency>/`` (the protocol is in the module docstring). Raises
    :class:`TransferError`; the remote is not closed."""
    started = time.monotonic()
    manifest = Path(manifest)
    agency, files = _check_outbox(manifest)
    folder = posixpath.join(remote_dir, agency) if remote_dir else agency
    destination = f"{remote.label.rstrip('/')}/{folder.lstrip('/')}"
    report = SendReport(manifest.name, destination)
    ledger = _read_ledger(manifest)
    done = ledger.setdefault(destination, {})
    head = files[-1]  # the manifest
    target = posixpath.join(folder, head.name)

    with _explained(f"Checking {head.name} at {destination}"):
        present = remote.size(target)
        if done.get(head.name) == head.sha256 and present == head.size:
            report.already_delivered = True
            report.seconds = time.monotonic() - started
            return report
        if done.pop(head.name, None) is not None:
            _write_ledger(manifest, ledger)
        if present is not None:
            remote.remove(target)  # an earlier version: withdrawn while its files change
        remote.makedirs(folder)

    for item in files:
        path = posixpath.join(folder, item.name)
        if item is not head and done.get(item.name) == item.sha256:
            with _explained(f"Checking {item.name} at {destination}"):
                if remote.size(path) == item.size:
                    report.skipped.append(item.name)
                    continue
        _upload(remote, item, folder, destination)
        done[item.name] = item.sha256
        _write_ledger(manifest, ledger)
        report.sent.append(item.name)
        report.bytes_sent += item.size
    report.seconds = time.monotonic() - started
    return report


def _upload(remote: Remote, item: _Local, folder: str, destination: str) -> None:
    """Stage, check and rename one file into place; on failure remove the staging file if
    the remote can still be reached, and raise :class:`TransferError`."""
    staging = posixpath.join(folder, f".{item.name}.part")
    try:
        with _explained(f"Sending {item.name} to {destination}"):
            if remote.size(staging) is not None:
                remote.remove(staging)  # left by an interrupted run
            remote.put(item.path, staging)
            arrived = remote.size(staging)
            if arrived != item.size:
                raise RemoteError(
                    f"it arrived with {arrived} bytes instead of {item.size}, so it was not "
                    "put in place"
                )
            remote.rename(staging, posixpath.join(folder, item.name))
    except TransferError:
        with suppress(Exception):
            if remote.size(staging) is not None:
                remote.remove(staging)
        raise


@contextmanager
def _explained(action: str) -> Iterator[None]:
    """Turn any failure inside into a :class:`TransferError` saying ``action`` failed and why."""
    try:
        yield
    except TransferError:
        raise
    except RemoteError as e:
        raise TransferError(f"{action} failed: {e}. {AFTERWARDS}") from e
    except OSError as e:
        raise TransferError(f"{action} failed: {describe_os_error(e)}. {AFTERWARDS}") from e
    except Exception as e:
        raise TransferError(f"{action} failed: {type(e).__name__}: {e}. {AFTERWARDS}") from e


def describe_os_error(e: OSError) -> str:
    """An ``OSError`` from the destination, in plain words."""
    if e.errno == errno.ENOSPC:
        return "the receiver is out of disk space"
    if e.errno == errno.EDQUOT:
        return "the receiver's disk quota is used up"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "the receiver denied permission to write there"
    if e.errno == errno.EROFS:
        return "the receiver's file system is read-only"
    if e.errno == errno.ENOENT:
        return "the folder is missing on the receiver"
    return e.strerror or str(e) or type(e).__name__


def _check_outbox(manifest: Path) -> tuple[str, list[_Local]]:
    """The agency and the files to send, the manifest last, each checked against the
    manifest's sha256; refuses (TransferError, nothing sent) a delivery that does not hold."""

    def refuse(reason: str) -> TransferError:
        return TransferError(f"Refusing to send {manifest}: {reason}. Nothing was sent.")

    try:
        doc = json.loads(manifest.read_text())
        agency = doc["agency"]
        listed = [(f["name"], f["sha256"]) for f in doc["files"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise refuse(f"the manifest cannot be read ({type(e).__name__}: {e})") from e
    names = [agency, manifest.name] + [name for name, _ in listed]
    bad = [n for n in names if not isinstance(n, str) or not PLAIN_NAME.match(n)]
    if bad:
        raise refuse(f"{bad[0]!r} is not a plain file or folder name")
    files = []
    for name, sha in listed:
        path = manifest.parent / name
        if not path.is_file():
            raise refuse(f"{name} is not in the outbox")
        if sha256_of(path) != sha:
            raise refuse(
                f"{name} does not match its manifest (sha256): the outbox was changed after "
                "the delivery was written; write the delivery again"
            )
        files.append(_Local(name, path, sha, path.stat().st_size))
    files.append(_Local(manifest.name, manifest, sha256_of(manifest), manifest.stat().st_size))
    return agency, files


def _read_ledger(manifest: Path) -> dict[str, dict[str, str]]:
    try:
        ledger = json.loads(ledger_path(manifest).read_text())
    except (OSError, ValueError):
        return {}  # no ledger (or an unreadable one): everything is sent again
    if not isinstance(ledger, dict):
        return {}
    return {k: v for k, v in ledger.items() if isinstance(v, dict)}


def _write_ledger(manifest: Path, ledger: dict[str, dict[str, str]]) -> None:
    path = ledger_path(manifest)
    partial = path.with_name(path.name + ".tmp")
    try:
        partial.write_text(json.dumps(ledger, indent=2, sort_keys=True) + "\n")
        os.replace(partial, path)
    except OSError as e:
        raise TransferError(
            f"Recording progress in {path} failed: {e.strerror or e}. Free space in the outbox "
            "and send again."
        ) from e
