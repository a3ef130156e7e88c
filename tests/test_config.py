"""Configuration order and the generated secret key."""

import os
import stat

import pytest

from diary import create_app


def test_secret_key_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DIARY_SECRET_KEY", raising=False)
    first = create_app()
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "diary.sqlite3").exists()
    for app in (first, second):
        app.extensions["diary.db"].close_all()


def test_instance_config_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-file'\nREGISTRATION_OPEN = False\n")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["REGISTRATION_OPEN"] is False
    app.extensions["diary.db"].close_all()
    monkeypatch.setenv("DIARY_SECRET_KEY", "from-env")
    monkeypatch.setenv("DIARY_DATABASE", str(tmp_path / "elsewhere.db"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATABASE"] == str(tmp_path / "elsewhere.db")
    assert (tmp_path / "elsewhere.db").exists()
    app.extensions["diary.db"].close_all()


@pytest.mark.parametrize("key", ["SHARE_DAYS", "INVITE_DAYS"])
@pytest.mark.parametrize("value", [0, -7, 7.5, "7", True, None, 100_000])
def test_a_count_of_days_the_app_cannot_use_stops_it_at_start_naming_it(
    tmp_path, monkeypatch, key, value
):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(f"SECRET_KEY = 'x'\n{key} = {value!r}\n")
    with pytest.raises(ValueError, match=f"^{key} must be a whole number of days from 1 to "):
        create_app()


def test_closed_registration_refuses(tmp_path, monkeypatch):
    from tests.conftest import TEST_CONFIG, Api

    app = create_app(
        {**TEST_CONFIG, "DATABASE": str(tmp_path / "d.db"), "REGISTRATION_OPEN": False}
    )
    api = Api(app.test_client())
    r = api.post(
        "/api/v1/users",
        {
            "email": "a@example.org",
            "password": "a calm river at dawn",
            "name": "A",
            "role": "patient",
        },
    )
    assert r.status_code == 403
    assert app.test_client().get("/register").status_code == 403
    app.extensions["diary.db"].close_all()
