"""Opening what an agency put in the landing folder. The folder is written by the agencies
(over SFTP), so everything in it is untrusted: a name may try to leave the folder, a file may
be a symbolic link to a secret, a FIFO that never ends or a device that never stops.

Every file ingest reads is opened here, by its plain name, relative to the agency's folder
opened as a directory (``dir_fd``), with ``O_NOFOLLOW`` (a symbolic link is refused, not
followed) and ``O_NONBLOCK`` (a FIFO does not block the open); the *opened* file is then
checked with ``fstat`` (a regular file, not a directory, device or FIFO; not larger than a
bound), so the check and the read are of the same file. What reads on (DuckDB) reads the open
file through ``/proc/self/fd/N``, never the path again.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES_ENV = "NEGLECT_WAREHOUSE_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 16 << 30  # 16 GiB: ten times region's largest file
MAX_MANIFEST_BYTES = 1 << 20
PLAIN_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


class Refused(Exception):
    """A landing entry that is not a regular file ingest may read: ``reason`` says why,
    without quoting its content."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{shown(name)} {reason}")
        self.name = name
        self.reason = reason


def shown(text: str, limit: int = 60) -> str:
    """A name or value quoted for a report: escaped (no control character, no newline), at
    most ``limit`` characters."""
    text = str(text)
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def escaped(text: str, limit: int = 120) -> str:
    """``shown`` without the quotes, for a message from elsewhere (a parser's)."""
    text = str(text)
    return repr(text[:limit])[1:-1] + ("…" if len(text) > limit else "")


def max_file_bytes() -> int:
    return int(os.environ.get(MAX_FILE_BYTES_ENV) or DEFAULT_MAX_FILE_BYTES)


@dataclass
class Opened:
    """A regular file opened from an agency's folder; close it (or use ``with``)."""

    name: str
    fd: int
    size: int
    mtime: float

    @property
    def proc_path(self) -> str:
        """A path that opens this same file again, whatever happens to its name."""
        return f"/proc/self/fd/{self.fd}"

    def read(self, limit: int) -> bytes:
        """The whole file, if it is at most ``limit`` bytes."""
        if self.size > limit:
            raise Refused(self.name, f"is {self.size:,} bytes, more than {limit:,}")
        os.lseek(self.fd, 0, os.SEEK_SET)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise Refused(self.name, f"grew past {limit:,} bytes while being read")
        return b"".join(chunks)

    def blocks(self, size: int = 1 << 20):
        os.lseek(self.fd, 0, os.SEEK_SET)
        while True:
            chunk = os.read(self.fd, size)
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_in(folder: Path, name: str, limit: int | None = None) -> Opened:
    """Open ``name`` — a plain file name, nothing else — in ``folder`` for reading, refusing
    anything that is not a regular file of at most ``limit`` bytes (default: the configured
    bound). Raises FileNotFoundError when it is not there, Refused otherwise."""
    if not PLAIN_NAME.match(name) or name in (".", ".."):
        raise Refused(name, "is not a plain file name")
    limit = max_file_bytes() if limit is None else limit
    try:
        # the agency's folder is the operator's (it may be a link to the SFTP server's folder)
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise Refused(folder.name + "/", "is not a folder ingest may read") from exc
    try:
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
        try:
            fd = os.open(name, flags, dir_fd=folder_fd)
        except FileNotFoundError:
            raise
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise Refused(name, "is a symbolic link, which is never followed") from exc
            if exc.errno in (errno.ENXIO, errno.ENODEV):
                raise Refused(name, "is not a regular file (a socket or device)") from exc
            raise Refused(name, f"cannot be opened ({exc.strerror})") from exc
    finally:
        os.close(folder_fd)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = (
            "a folder"
            if stat.S_ISDIR(info.st_mode)
            else "a FIFO"
            if stat.S_ISFIFO(info.st_mode)
            else "a device or socket"
        )
        raise Refused(name, f"is {kind}, not a regular file")
    if info.st_size > limit:
        os.close(fd)
        raise Refused(name, f"is {info.st_size:,} bytes, more than the bound of {limit:,}")
    os.set_blocking(fd, True)
    return Opened(name, fd, info.st_size, info.st_mtime)


def status_in(folder: Path, name: str) -> os.stat_result | None:
    """The entry's own status (a link is not followed), or None when there is none."""
    try:
        return os.stat(folder / name, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None


def copy_out(folder: Path, name: str, destination: Path) -> bool:
    """Copy a regular file of ``folder`` to ``destination`` (a quarantined delivery's files go
    back to the agency as received); anything else is not copied. True when copied."""
    try:
        with open_in(folder, name) as opened, open(destination, "wb") as out:
            for block in opened.blocks():
                out.write(block)
            os.utime(destination, (opened.mtime, opened.mtime))
    except (FileNotFoundError, Refused):
        destination.unlink(missing_ok=True)
        return False
    return True
