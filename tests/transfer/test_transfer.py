"""Handing a delivery over (docs/transfer.md): into a folder, and over SFTP to a real OpenSSH
server (tests/sshd.py) through an Airflow connection; what the receiver sees when the connection
drops, the host key is wrong or its disk fills, and how a re-run resumes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest

from neglect_warehouse.agency import delivery
from neglect_warehouse.agency.sftp_remote import SftpRemote
from neglect_warehouse.agency.transfer import (
    FolderRemote,
    TransferError,
    ledger_path,
    remote_for,
    send,
)
from neglect_warehouse.shared import contract
from tests import sshd
from tests.transfer.conftest import CONN_ID, CONN_VAR, start_server

AGENCY = "csc"
STAMP = "20261031"
DESTINATION = f"sftp://{CONN_ID}"


def rows(n: int, seed: int = 0) -> bytes:
    """``n`` CSV rows that do not compress much (SSH compresses what it sends)."""
    noise = hashlib.shake_256(f"{seed}".encode()).hexdigest(n * 20)
    lines = [
        f"{i},child-{noise[i * 40 : i * 40 + 24]},{noise[i * 40 + 24 : i * 40 + 40]}"
        for i in range(n)
    ]
    return ("id,child,note\n" + "\n".join(lines) + "\n").encode()


def make_delivery(outbox: Path, files: dict[str, bytes], stamp: str = STAMP) -> Path:
    """A delivery of ``files`` (entity -> content) in ``outbox/<agency>/``, with its manifest."""
    folder = outbox / AGENCY
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for entity, content in files.items():
        path = folder / f"{AGENCY}__{entity}__{stamp}.csv"
        path.write_bytes(content)
        listed.append(
            {
                "name": path.name,
                "rows": content.count(b"\n") - 1,
                "sha256": delivery.sha256_of(path),
            }
        )
    manifest = folder / f"{AGENCY}__manifest__{stamp}.json"
    doc = {"agency": AGENCY, "extract_date": "2026-10-31", "spec_version": "1", "key_id": "k1"}
    manifest.write_text(json.dumps({**doc, "files": listed}, indent=2) + "\n")
    return manifest


def listed_names(manifest: Path) -> list[str]:
    return [f["name"] for f in json.loads(manifest.read_text())["files"]]


def assert_arrived(manifest: Path, landing: Path) -> None:
    """Every file of the delivery and its manifest at the receiver, byte for byte, and no
    staging file left."""
    folder = landing / AGENCY
    for name in [*listed_names(manifest), manifest.name]:
        assert (folder / name).read_bytes() == (manifest.parent / name).read_bytes(), name
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def manifests_at(landing: Path) -> list[str]:
    folder = landing / AGENCY
    return sorted(p.name for p in folder.glob("*__manifest__*")) if folder.exists() else []


class Recording:
    """A Remote that records every call before passing it on."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: list[tuple[str, ...]] = []

    @property
    def label(self) -> str:
        return self.inner.label

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def recorded(*args):
            self.calls.append((name, *map(str, args)))
            return method(*args)

        return recorded


# -- a shared folder ------------------------------------------------------------------------


def test_folder_delivery_arrives_whole_with_the_manifest_last(tmp_path):
    def write_entity(entity: contract.Entity, path: Path) -> int:
        path.write_text(f"id\n{entity.name}\n")
        return 1

    manifest = delivery.write_delivery(
        AGENCY, dt.date(2026, 10, 31), tmp_path / "outbox", "k1", write_entity
    )
    remote = Recording(FolderRemote(tmp_path / "landing"))
    report = send(manifest, remote)

    assert_arrived(manifest, tmp_path / "landing")
    renamed = [call[2].rsplit("/", 1)[-1] for call in remote.calls if call[0] == "rename"]
    assert renamed == [*listed_names(manifest), manifest.name]
    staged = [call[2].rsplit("/", 1)[-1] for call in remote.calls if call[0] == "put"]
    assert staged == [f".{name}.part" for name in renamed]
    assert report.sent == renamed and not report.skipped and not report.already_delivered
    assert report.destination == f"{tmp_path / 'landing'}/{AGENCY}"
    assert ledger_path(manifest).name.startswith(".")

    again = send(manifest, FolderRemote(tmp_path / "landing"))
    assert again.already_delivered and not again.sent


def test_a_corrupted_outbox_is_refused_before_anything_is_sent(tmp_path):
    manifest = make_delivery(tmp_path / "outbox", {"referrals": rows(50), "plans": rows(20, 1)})
    changed = manifest.parent / listed_names(manifest)[1]
    changed.write_bytes(changed.read_bytes().replace(b"child-", b"child_", 1))
    remote = Recording(FolderRemote(tmp_path / "landing"))

    with pytest.raises(TransferError, match=f"{changed.name} does not match its manifest"):
        send(manifest, remote)
    assert remote.calls == []
    assert not (tmp_path / "landing").exists()
    assert not ledger_path(manifest).exists()


def test_destinations_name_a_folder_or_an_sftp_connection(tmp_path):
    remote, folder = remote_for(f"sftp://{CONN_ID}/incoming/agencies")
    assert isinstance(remote, SftpRemote) and remote.conn_id == CONN_ID
    assert folder == "incoming/agencies" and remote.label == DESTINATION
    remote, folder = remote_for(str(tmp_path))
    assert isinstance(remote, FolderRemote) and remote.root == tmp_path and folder == ""
    with pytest.raises(TransferError, match="names no connection"):
        remote_for("sftp:///landing")


# -- over SFTP ------------------------------------------------------------------------------


def test_sftp_delivery_arrives_whole_once_and_a_correction_sends_only_what_changed(
    server, tmp_path
):
    files = {"referrals": rows(3000), "assessments": rows(2000, 1), "plans": rows(500, 2)}
    manifest = make_delivery(tmp_path / "outbox", files)
    remote, folder = remote_for(DESTINATION)
    try:
        report = send(manifest, remote, folder)
        assert_arrived(manifest, server.root)
        assert report.sent == [*listed_names(manifest), manifest.name]
        assert report.destination == f"{DESTINATION}/{AGENCY}"

        again = send(manifest, remote, folder)
        assert again.already_delivered and again.sent == [] and again.bytes_sent == 0
        assert "already delivered" in again.summary()

        corrected = make_delivery(tmp_path / "outbox", {**files, "assessments": rows(2001, 1)})
        assert corrected == manifest
        fixed = send(manifest, remote, folder)
        assessments = listed_names(manifest)[1]
        assert fixed.sent == [assessments, manifest.name]
        assert fixed.skipped == [n for n in listed_names(manifest) if n != assessments]
        assert_arrived(manifest, server.root)
    finally:
        remote.close()


def test_a_dropped_connection_leaves_no_manifest_and_a_rerun_resumes(server, tmp_path):
    files = {"referrals": rows(2000), "episodes": rows(1_000_000, 1), "plans": rows(300, 2)}
    manifest = make_delivery(tmp_path / "outbox", files)
    first, big, last = listed_names(manifest)
    staging = server.root / AGENCY / f".{big}.part"
    dropped = threading.Event()

    def drop_when_half_way() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if staging.exists() and staging.stat().st_size > 4 << 20:
                server.drop_sessions()
                dropped.set()
                return
            time.sleep(0.01)

    killer = threading.Thread(target=drop_when_half_way)
    killer.start()
    remote, folder = remote_for(DESTINATION)
    try:
        with pytest.raises(TransferError) as failed:
            send(manifest, remote, folder)
    finally:
        killer.join()
        remote.close()
    assert dropped.is_set()
    message = str(failed.value)
    assert f"Sending {big} to {DESTINATION}/{AGENCY} failed" in message
    assert "connection to the receiver was lost" in message
    assert manifests_at(server.root) == []
    assert not staging.exists()  # removed over a new connection
    assert (server.root / AGENCY / first).exists()

    remote, folder = remote_for(DESTINATION)
    try:
        resumed = send(manifest, remote, folder)
    finally:
        remote.close()
    assert resumed.skipped == [first]
    assert resumed.sent == [big, last, manifest.name]
    assert_arrived(manifest, server.root)


@pytest.mark.parametrize("known", ["a different key", "no key"])
def test_a_server_whose_host_key_is_not_the_configured_one_is_refused(
    server, tmp_path, monkeypatch, known
):
    if known == "no key":  # and no ~/.ssh/known_hosts: HOME is the test's own
        monkeypatch.setenv(CONN_VAR, server.airflow_connection_json(host_key=None))
        expected = "host key at 127.0.0.1:.* is not known for connection"
    else:
        other = tmp_path / "other_host_key"
        sshd.keygen(other, "impostor")
        line = " ".join(other.with_suffix(".pub").read_text().split()[:2])
        monkeypatch.setenv(CONN_VAR, server.airflow_connection_json(host_key=line))
        expected = "host key does not match the one configured for connection"
    manifest = make_delivery(tmp_path / "outbox", {"referrals": rows(100)})
    remote, folder = remote_for(DESTINATION)
    with pytest.raises(TransferError, match=expected) as refused:
        send(manifest, remote, folder)
    remote.close()
    assert "refused, nothing sent" in str(refused.value)
    assert list(server.root.iterdir()) == []
    assert not ledger_path(manifest).exists()


def test_a_key_the_server_does_not_hold_is_refused_without_showing_it(
    server, tmp_path, monkeypatch
):
    stranger = tmp_path / "stranger"
    sshd.keygen(stranger, "stranger")
    private = stranger.read_text()
    monkeypatch.setenv(CONN_VAR, server.airflow_connection_json(key_file=None, private_key=private))
    manifest = make_delivery(tmp_path / "outbox", {"referrals": rows(100)})
    remote, folder = remote_for(DESTINATION)
    with pytest.raises(TransferError, match="refused the key of connection") as refused:
        send(manifest, remote, folder)
    remote.close()
    body = "".join(private.splitlines()[1:-1])
    assert body[:40] not in str(refused.value)
    assert list(server.root.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A landing folder on a 2 MiB file system, unmounted afterwards."""
    landing = tmp_path / "small-landing"
    if not sshd.mount_tmpfs(landing, "2m"):
        pytest.fail("cannot mount a tmpfs for the receiver's full disk: run the tests as root")
    yield landing
    sshd.unmount(landing)


# paramiko reports a refused write while the upload goes on ("Failure"), but not one among the
# last ~3 MB, whose replies it never reads: that shows as a short file. Both are the disk.
@pytest.mark.parametrize("big_rows", [60_000, 200_000], ids=["3MB", "10MB"])
def test_a_full_disk_at_the_receiver_leaves_nothing_half_delivered(
    small_disk, tmp_path, monkeypatch, sftp_provider, big_rows
):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    server = start_server(small_disk)
    try:
        monkeypatch.setenv(CONN_VAR, server.airflow_connection_json())
        files = {"referrals": rows(1000), "episodes": rows(big_rows, 1)}
        manifest = make_delivery(tmp_path / "outbox", files)
        first, big = listed_names(manifest)
        remote, folder = remote_for(DESTINATION)
        try:
            with pytest.raises(TransferError, match="the receiver is out of disk space") as full:
                send(manifest, remote, folder)
            assert f"Sending {big} to {DESTINATION}/{AGENCY} failed" in str(full.value)
            assert manifests_at(small_disk) == []
            assert sorted(p.name for p in (small_disk / AGENCY).iterdir()) == [first]

            sshd.remount_tmpfs(small_disk, "16m")
            resumed = send(manifest, remote, folder)
        finally:
            remote.close()
        assert resumed.skipped == [first] and resumed.sent == [big, manifest.name]
        assert_arrived(manifest, small_disk)
    finally:
        server.stop()


def test_the_ledger_is_beside_the_manifest_and_names_the_destination(server, tmp_path):
    manifest = make_delivery(tmp_path / "outbox", {"referrals": rows(10)})
    remote, folder = remote_for(f"{DESTINATION}/incoming")
    try:
        send(manifest, remote, folder)
    finally:
        remote.close()
    ledger = json.loads(ledger_path(manifest).read_text())
    assert list(ledger) == [f"{DESTINATION}/incoming/{AGENCY}"]
    assert ledger[f"{DESTINATION}/incoming/{AGENCY}"][manifest.name] == delivery.sha256_of(manifest)
    assert (server.root / "incoming" / AGENCY / manifest.name).exists()
    assert os.listdir(server.root) == ["incoming"]
