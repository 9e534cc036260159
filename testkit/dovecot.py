"""A real Dovecot IMAP server on loopback, for the mailbox tests and bench/sync.py.

`Dovecot.start()` writes a private config into a fresh folder and runs `dovecot -F` on
free 127.0.0.1 ports: a plain port that offers STARTTLS and an implicit-TLS port, both with
a certificate signed by a private CA made here with the `openssl` command. Users live in a
passwd-file each (the path holds %u), so each test adds its own user (and so
its own folders) without a restart. Messages go in by IMAP APPEND, as a mail server would
deliver them.

Pitfalls this handles: the login process runs as `dovenull` (default_login_user); mail users
need a non-zero uid (the `dovecot` user's, allowed by first_valid_uid); everything under the
folder must be reachable by that uid, so the folder is not inside pytest's 0700 tmp_path.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from imapclient import IMAPClient

SKIP_REASON = (
    "Dovecot is not installed (Debian: apt-get install dovecot-imapd; .ci/run does this): "
    "the IMAP tests are skipped"
)


def dovecot_binary() -> str | None:
    """The dovecot program (Debian puts it in /usr/sbin, not always on a test's PATH)."""
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None


def dovecot_missing() -> str | None:
    """Why a Dovecot server cannot be started here, or None when it can."""
    if dovecot_binary() is None:
        return SKIP_REASON
    if shutil.which("openssl") is None:
        return "the openssl command is missing: the Dovecot fixture cannot make its certificates"
    try:
        pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        return "the dovecot and dovenull users are missing: reinstall dovecot-core"
    if os.geteuid() != 0:
        return "Dovecot's test server needs root (it switches to the dovenull and dovecot users)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(folder: Path, name: str) -> Path:
    """A self-signed CA in `folder` (name.key, name.pem); returns the certificate's path."""
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN=followups test {name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    return folder / f"{name}.pem"


def make_server_cert(folder: Path, ca: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost signed by the CA `ca`: (cert, key)."""
    (folder / "san.cnf").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    )
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=localhost", cwd=folder,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-days", "2", "-out", "server.pem", "-extfile", "san.cnf",
        cwd=folder,
    )  # fmt: skip
    return folder / "server.pem", folder / "server.key"


CONFIG = """\
instance_name = followups-test-{instance}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{root}/tls/server.pem
ssl_key = <{root}/tls/server.key
ssl_min_protocol = TLSv1.2
mail_max_userip_connections = 200
# The user's name in each imap process's title: drop_connections() finds them by it.
verbose_proctitle = yes
imap_max_line_length = 1M
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  process_min_avail = 1
}}
service anvil {{
  chroot =
}}
"""


@dataclass(frozen=True)
class Account:
    """A mail user on the test server, with its password."""

    user: str
    password: str


@dataclass
class Dovecot:
    """A running Dovecot: ports, the CA that signed its certificate, and a wrong CA."""

    root: Path
    port: int
    tls_port: int
    ca_file: Path
    wrong_ca_file: Path
    process: subprocess.Popen | None = None

    @classmethod
    def start(cls) -> Dovecot:
        """Write a private config and run Dovecot on free loopback ports."""
        root = Path(tempfile.mkdtemp(prefix="followups-dovecot-"))
        root.chmod(0o755)  # the dovecot and dovenull users must reach what is inside
        tls = root / "tls"
        tls.mkdir()
        ca_file = make_ca(tls, "ca")
        wrong_ca_file = make_ca(tls, "wrong-ca")
        make_server_cert(tls, "ca")
        for sub in ("run", "state", "home"):
            (root / sub).mkdir()
        owner = pwd.getpwnam("dovecot")
        os.chown(root / "home", owner.pw_uid, owner.pw_gid)
        # One passwd-file per user: Dovecot re-reads a file by its mtime, and a user added
        # within the same second as the last read of a shared file would go unseen.
        (root / "users").mkdir()
        server = cls(root, free_port(), free_port(), ca_file, wrong_ca_file)
        config = root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=root, port=server.port, tls_port=server.tls_port, instance=uuid.uuid4().hex[:8]
            )
        )
        server.process = subprocess.Popen(
            [str(dovecot_binary()), "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        server._wait_ready()
        return server

    def _wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited at start: {self.log()[-2000:]}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe,
            ):
                if probe.recv(200).startswith(b"* OK"):
                    return
            time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer in {timeout}s: {self.log()[-2000:]}")

    def log(self) -> str:
        """Dovecot's own log, for a failing test's message."""
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def bytes_sent_to(self, account: Account, *, sessions: int, timeout: float = 5) -> list[int]:
        """What Dovecot sent to each finished IMAP session of `account` (its log's `out=`),
        waiting up to `timeout` for at least `sessions` of them to be logged."""
        pattern = re.compile(rf"imap\({re.escape(account.user)}\).*Disconnected.* out=(\d+)")
        deadline = time.monotonic() + timeout
        while True:
            found = [int(m.group(1)) for m in pattern.finditer(self.log())]
            if len(found) >= sessions or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def drop_connections(self, account: Account) -> int:
        """Kill the imap processes serving `account`, as a server crash or a network cut
        would end its sessions. Returns how many were killed."""
        killed = 0
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            # e.g. "dovecot-followups-test-1a2b3c4d/imap [mara-5e6f7a8b 127.0.0.1 ...]"
            if f"/imap [{account.user} ".encode() in title:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(proc.name), signal.SIGKILL)
                    killed += 1
        return killed

    def stop(self) -> None:
        """Stop the server (its children end with it) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self, prefix: str = "mara") -> Account:
        """A new mail user with an empty INBOX and a Sent folder."""
        account = Account(f"{prefix}-{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}")
        owner = pwd.getpwnam("dovecot")
        home = self.root / "home" / account.user
        home.mkdir()
        os.chown(home, owner.pw_uid, owner.pw_gid)
        line = (
            f"{account.user}:{{PLAIN}}{account.password}:{owner.pw_uid}:{owner.pw_gid}::{home}::\n"
        )
        (self.root / "users" / account.user).write_text(line)
        with self.client(account) as imap:
            imap.create_folder("Sent")
        return account

    @contextlib.contextmanager
    def client(self, account: Account):
        """A logged-in IMAPClient on the plain port (the fixture's own tool, not the product's)."""
        imap = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        try:
            imap.login(account.user, account.password)
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def append(
        self,
        account: Account,
        raw: bytes | list[bytes],
        *,
        folder: str = "INBOX",
        when: datetime | None = None,
    ) -> None:
        """Deliver messages into a folder by IMAP APPEND (internal date `when`, else now)."""
        messages = [raw] if isinstance(raw, bytes) else raw
        with self.client(account) as imap:
            for message in messages:
                imap.append(folder, message, msg_time=when)

    def recreate_folder(self, account: Account, folder: str) -> None:
        """Delete and create a folder again: its UIDVALIDITY changes, its mail is gone."""
        with self.client(account) as imap:
            before = imap.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]
            imap.delete_folder(folder)
            imap.create_folder(folder)
            after = imap.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]
            if after == before:  # created within the same second: never in practice, but sure
                time.sleep(1.1)
                imap.delete_folder(folder)
                imap.create_folder(folder)
