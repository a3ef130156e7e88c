"""The deployment files in the repository fit the app they deploy (docs/deploy.md)."""

import configparser
import contextlib
import runpy
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / name)
    return parser


def test_gunicorn_runs_sync_workers_with_the_app_preloaded(monkeypatch):
    monkeypatch.delenv("DIARY_BIND", raising=False)
    monkeypatch.setenv("DIARY_WORKERS", "2")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "sync" and config["workers"] == 2
    assert config["preload_app"] is True  # migrations run once, in the master
    assert config["bind"] == "127.0.0.1:8000"  # behind the proxy, never on every interface
    assert "%(q)s" not in config["access_log_format"]  # no query strings in the log
    monkeypatch.setenv("DIARY_ACCESS_LOG", "")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] is None


def test_the_service_runs_the_repositorys_gunicorn_config_behind_the_proxy():
    service = unit("diary.service")["Service"]
    assert service["ExecStart"].endswith("gunicorn -c gunicorn.conf.py wsgi:app")
    assert (ROOT / "wsgi.py").exists() and (ROOT / "gunicorn.conf.py").exists()
    environment = unit("diary.service")["Service"].get("Environment")
    assert "DIARY_PROXY_FIX=1" in (DEPLOY / "diary.service").read_text()
    assert environment and service["UMask"] == "0077"


def test_the_nightly_backup_uses_the_backup_command_and_keeps_files_private():
    service = unit("diary-backup.service")["Service"]
    assert "flask --app diary backup" in service["ExecStart"]
    assert service["UMask"] == "0077"
    timer = unit("diary-backup.timer")["Timer"]
    assert timer["OnCalendar"].startswith("*-*-*") and timer["Persistent"] == "true"


def test_litestream_replicates_the_database_the_app_writes():
    config = yaml.safe_load((DEPLOY / "litestream.yml").read_text())
    (database,) = config["dbs"]
    assert Path(database["path"]).name == "diary.sqlite3"  # the app's default file name
    assert database["path"] == "/srv/diary/instance/diary.sqlite3"  # as in diary.service
    (replica,) = database["replicas"]
    assert replica["retention"] and replica["sync-interval"]
    assert "secret" not in (DEPLOY / "litestream.yml").read_text().lower().replace(
        "litestream_secret_access_key", ""
    )


def test_the_reminders_timer_runs_the_command_every_few_minutes_as_the_app():
    service = unit("diary-reminders.service")["Service"]
    assert service["ExecStart"].endswith("flask --app diary send-reminders")
    app = unit("diary.service")["Service"]
    # The same user and instance folder as the app: the same database and VAPID key.
    assert (service["User"], service["WorkingDirectory"]) == (app["User"], app["WorkingDirectory"])
    assert (
        "DIARY_INSTANCE_PATH=/srv/diary/instance"
        in (DEPLOY / "diary-reminders.service").read_text()
    )
    assert service["UMask"] == "0077"
    timer = unit("diary-reminders.timer")["Timer"]
    assert timer["OnCalendar"] == "*:0/5" and timer["Persistent"] == "true"


def test_two_servers_on_one_machine_do_not_share_a_control_socket(tmp_path):
    """gunicorn 25.1 and later open a control socket at one path per user by default: a
    second server (another site, a benchmark) would take it over, and remove it on stopping."""
    import os
    import urllib.request

    from bench.served import free_port, start, stop

    env = {**os.environ, "HOME": str(tmp_path), "DIARY_SECRET_KEY": "deploy-test"}
    env.pop("XDG_RUNTIME_DIR", None)
    servers = []
    try:
        for name in ("one", "two"):
            port = free_port()
            env["DIARY_INSTANCE_PATH"] = str(tmp_path / name)
            servers.append(start("wsgi:app", env, port, workers=1))
            answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/session")  # noqa: S310
            assert answer.status == 200
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        for server in servers:
            stop(server)


def test_gunicorns_logs_never_hold_the_secret_of_a_view_or_reset_link(tmp_path):
    """Such a link's path is its key: whoever reads the journal must not be able to use it."""
    import os
    import urllib.error
    import urllib.request

    from bench.served import free_port, start, stop

    secret = "U8PS2OpGOkZvRCHTzJnkkQ4jPhFdjrxvQc3DTlsdFIc"
    entry = "0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"
    env = {**os.environ, "HOME": str(tmp_path), "DIARY_SECRET_KEY": "deploy-test"}
    env["DIARY_INSTANCE_PATH"] = str(tmp_path / "instance")
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = start("wsgi:app", env, port, workers=1, log=log)
        try:
            for path in (f"/v/{secret}", f"/v/{secret}/charts", f"/reset/{secret}", f"/x/{entry}"):
                with contextlib.suppress(urllib.error.HTTPError):  # unknown links answer 404
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}")  # noqa: S310
        finally:
            stop(server)
    logged = log_path.read_text()
    assert '"GET /v/[token]/charts" 404' in logged  # the request is still traced
    assert '"GET /reset/[token]" 404' in logged
    assert f"/x/{entry}" in logged  # other paths are logged whole
    assert secret not in logged


def test_gunicorn_answers_a_host_header_that_is_not_a_name_with_400_naming_it(tmp_path):
    """werkzeug cannot read such a Host (BadHost): the error page once failed making its
    links, and gunicorn answered a bare 500 Internal Server Error."""
    import http.client
    import os

    from bench.served import free_port, start, stop

    env = {**os.environ, "HOME": str(tmp_path), "DIARY_SECRET_KEY": "deploy-test"}
    env["DIARY_INSTANCE_PATH"] = str(tmp_path / "instance")
    port = free_port()
    server = start("wsgi:app", env, port, workers=1)
    answers = []
    try:
        for host in ("a..b", "a" * 64 + ".example.org"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.putrequest("GET", "/signin", skip_host=True)
            connection.putheader("Host", host)
            connection.putheader("Accept", "text/html")
            connection.endheaders()
            answer = connection.getresponse()
            answers.append((answer.status, answer.read().decode().strip()))
            connection.close()
    finally:
        stop(server)
    words = "The Host header of this request is not a name this server can read."
    assert answers == [(400, words), (400, words)]
