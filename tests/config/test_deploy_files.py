"""deploy/ is checked as far as the tools here allow: Debian's nginx parses
both sites (`nginx -t`, with a throwaway certificate in place of Let's
Encrypt's), and `systemd-analyze verify` accepts every unit, with the
repository standing in for /srv/entraide. What cannot run here (TLS with a
real certificate, several machines) is said in docs/deploy.md."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _nginx_prefix(tmp_path: Path, site: str) -> Path:
    """A whole nginx configuration in tmp_path: Debian's main file's
    essentials, the shared http part, the snippets and one site."""
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=entraide.example.org",
            "-keyout",
            str(certs / "privkey.pem"),
            "-out",
            str(certs / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    snippets = tmp_path / "snippets"
    snippets.mkdir()

    def place(text: str) -> str:
        return (
            text.replace("/etc/letsencrypt/live/entraide.example.org", str(certs))
            .replace("/etc/nginx/snippets", str(snippets))
            .replace("/srv/entraide", str(ROOT))
        )

    for name in ("entraide-locations.conf", "entraide-proxy.conf"):
        (snippets / name).write_text(place((DEPLOY / "nginx" / name).read_text()))
    (tmp_path / "site.conf").write_text(place((DEPLOY / "nginx" / site).read_text()))
    (tmp_path / "http.conf").write_text((DEPLOY / "nginx" / "entraide-http.conf").read_text())
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/http.conf;
    include {tmp_path}/site.conf;
}}
"""
    )
    return main


@pytest.mark.parametrize("site", ["small-server.conf", "city.conf"])
def test_nginx_accepts_each_site(tmp_path, site):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: scripts/system-packages.sh installs it"
    main = _nginx_prefix(tmp_path, site)
    result = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_systemd_accepts_every_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing"
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/srv/entraide", str(ROOT))
        # Instances of the templates, as they are enabled.
        name = unit.name.replace("@.service", "@8001.service")
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        env={"SYSTEMD_LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin"},
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # Not about the units: the users and services of the machine they go on.
        if line.strip()
        and "entraide" in line
        and "Failed to resolve user" not in line
        and "group" not in line.lower()
        and "redis-server.service" not in line
        and "postgresql.service" not in line
    ]
    assert not problems, "\n".join(problems)
