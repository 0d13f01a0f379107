"""Debian's nginx in front of a Chroma server, checking a bearer token (plain HTTP and TLS).

`start_token_proxy(upstream_port, token, folder)` writes a config into `folder`, starts
`nginx -c <conf> -p <folder>` in the foreground on free ports of 127.0.0.1 (plain and TLS, with a
self-signed certificate made here), and returns a handle whose `stop()` ends that process.
This is the recipe the README's team section shows.
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.chroma_server import free_port

CONFIG = """
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    # The one token the advisor sends as `Authorization: Bearer ...` (ADVISOR_CHROMA_TOKEN).
    map $http_authorization $chroma_allowed {{
        default 0;
        "Bearer {token}" 1;
    }}

    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {prefix}/cert.pem;
        ssl_certificate_key {prefix}/key.pem;
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;

        location / {{
            if ($chroma_allowed = 0) {{
                return 401;
            }}
            proxy_pass http://127.0.0.1:{upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Authorization "";
        }}
    }}
}}
"""


def nginx_binary() -> str:
    """The nginx command; the tests fail (not skip) without the Debian package."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).is_file()), None
    )
    if not found:
        pytest.fail("nginx is not installed: apt-get install -y nginx (Debian package `nginx`)")
    return found


def self_signed(folder: Path, host: str = "127.0.0.1") -> Path:
    """A self-signed certificate for `host` (cert.pem, key.pem in folder); returns cert.pem."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return folder / "cert.pem"


@dataclass
class TokenProxy:
    """A running nginx that forwards to Chroma only requests carrying the bearer token."""

    process: subprocess.Popen[bytes]
    port: int
    tls_port: int
    cert: Path
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the workers exit with it
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def start_token_proxy(upstream: int, token: str, folder: Path) -> TokenProxy:
    """Start nginx in the foreground with its config, pid and logs in `folder`."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    cert = self_signed(folder)
    port, tls_port = free_port(), free_port()
    # As root, nginx's workers would switch to `nobody`, who cannot use a private temp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(CONFIG.format(prefix=folder, port=port, tls_port=tls_port, upstream=upstream,
                                  token=token, user=user), encoding="utf-8")
    check = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(folder)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        pytest.fail(f"nginx rejected the config: {check.stderr.strip()}")
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    proxy = TokenProxy(process, port, tls_port, cert, folder)
    deadline = time.monotonic() + 20
    while not (_listening(port) and _listening(tls_port)):
        if process.poll() is not None or time.monotonic() > deadline:
            proxy.stop()
            log = (folder / "error.log")
            raise RuntimeError(f"nginx did not start: {log.read_text() if log.exists() else ''}")
        time.sleep(0.1)
    return proxy
