"""Settings: precedence, validation and the written defaults."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from govpress_support.core import config
from govpress_support.core.errors import ConfigError, ExitCode


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_name_the_support_process() -> None:
    settings = config.load(Path("/nonexistent/config.toml"), environ={})
    assert settings.groups.second_line == "GovPress 2nd line support"
    assert settings.trello.backlog_board == "pF46aRdl"
    assert settings.trello.week_board == "Y2QL3Pha"
    assert settings.trello.rota_template_card == "Q5BahEhI"
    assert settings.zendesk.base_url() == "https://govpress.zendesk.com"
    assert "whippet" in settings.rotation.tools
    assert "#dxw-govpress-support-2nd-line" in settings.rotation.slack_channels


def test_precedence_defaults_file_environment_flags(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        '[zendesk]\nsubdomain = "fromfile"\nemail = "file@example.org"\n[queue]\nsla_warning = "2h"\n',
    )
    settings = config.load(path, environ={"ZENDESK_SUBDOMAIN": "fromenv"}, overrides={"queue": {"sla_warning": "30m"}})
    assert settings.zendesk.subdomain == "fromenv"  # env beats file
    assert settings.zendesk.email == "file@example.org"  # file beats default
    assert settings.queue.sla_warning == "30m"  # flags beat file
    assert settings.source["zendesk.subdomain"] == "env ZENDESK_SUBDOMAIN"
    assert settings.source["zendesk.email"] == str(path)
    assert settings.source["queue.sla_warning"] == "command line"


def test_zendesk_url_overrides_subdomain() -> None:
    settings = config.load(Path("/none"), environ={"ZENDESK_SUBDOMAIN": "x", "ZENDESK_URL": "http://127.0.0.1:9000/"})
    assert settings.zendesk.base_url() == "http://127.0.0.1:9000"


def test_unknown_key_names_file_line_and_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[zendesk]\n\nsubdomian = "x"\n')
    with pytest.raises(ConfigError) as caught:
        config.load(path, environ={})
    message = caught.value.one_line()
    assert f"unknown config key zendesk.subdomian in {path} line 3" in message
    assert "did you mean 'subdomain'?" in message
    assert caught.value.exit_code == ExitCode.USAGE


def test_unknown_section(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[zendeks]\nurl = 'x'\n")
    with pytest.raises(ConfigError, match=r"unknown config section \[zendeks\].* line 1"):
        config.load(path, environ={})


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[zendesk]\nsubdomain = "x"\nemail = \n')
    with pytest.raises(ConfigError) as caught:
        config.load(path, environ={})
    assert str(path) in caught.value.message
    assert "line 3" in caught.value.message


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[http]\nmax_retries = "lots"\n')
    with pytest.raises(ConfigError, match=r"http.max_retries .*must be a whole number"):
        config.load(path, environ={})


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("not a url", "is not a URL"),
        ("ftp://example.org", "is not a URL"),
        ("http://support.example.org", "plain http to a remote host"),
    ],
)
def test_bad_zendesk_urls_are_refused(url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        config.load(Path("/none"), environ={"ZENDESK_URL": url})
    assert "env ZENDESK_URL" in caught.value.message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:1", "https://x.zendesk.com"])
def test_good_zendesk_urls_are_accepted(url: str) -> None:
    assert config.load(Path("/none"), environ={"ZENDESK_URL": url}).zendesk.url == url


def test_invalid_warning_duration() -> None:
    with pytest.raises(ConfigError, match=r"queue\.sla_warning"):
        config.load(Path("/none"), environ={}, overrides={"queue": {"sla_warning": "soon"}})


def test_written_defaults_load_back_to_the_defaults(tmp_path: Path) -> None:
    text = config.default_file_text()
    assert "# Where new tickets arrive" in text
    assert "[rotation.tools]" in text
    parsed = tomllib.loads(text)
    assert set(parsed) == set(config.SECTIONS)
    path = write(tmp_path / "c.toml", text)
    assert config.load(path, environ={}) == config.Settings()


def test_paths_follow_the_environment(tmp_path: Path) -> None:
    env = {"GOVPRESS_SUPPORT_CONFIG": str(tmp_path / "x.toml"), "GOVPRESS_SUPPORT_STATE_DIR": str(tmp_path / "s")}
    assert config.config_path(env) == tmp_path / "x.toml"
    assert config.state_dir(env) == tmp_path / "s"
    assert config.sandbox_from_env({"GOVPRESS_SUPPORT_SANDBOX": "1"})
    assert not config.sandbox_from_env({"GOVPRESS_SUPPORT_SANDBOX": "0"})


def test_people_and_github_settings(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[people.github]\n"Tom.Hughes@govpress.example" = "tomhughes-dev"\n'
        '[people.slack]\n"tom.hughes@govpress.example" = "U0TOMHUGHES"\n'
        '[github]\norgs = ["govpress", "govpress-labs"]\n'
    )
    settings = config.load(path, {"GITHUB_API_URL": "http://127.0.0.1:8765/api/v3"})
    assert settings.people.github_login("tom.hughes@govpress.example") == "tomhughes-dev"  # any case
    assert settings.people.slack_id("TOM.HUGHES@govpress.example") == "U0TOMHUGHES"
    assert settings.people.github_login("nobody@govpress.example") is None
    assert (
        settings.github.url == "http://127.0.0.1:8765/api/v3" and settings.source["github.url"] == "env GITHUB_API_URL"
    )
    assert settings.github.orgs == ["govpress", "govpress-labs"]
    assert config.Settings().github.url == "https://api.github.com"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[people.github]\n"tom" = "tomhughes-dev"\n',
            "config people.github (from {path}): 'tom' = 'tomhughes-dev': the key must be an email",
        ),
        ('[people.github]\n"t @x.org" = "tomhughes-dev"\n', "the key must be an email"),  # core's email rule
        ('[people.github]\n"t@x.org" = "-bad-"\n', "the value a GitHub login"),
        ('[people.slack]\n"t@x.org" = "@tom"\n', "the value a Slack member id"),
        (f'[people.slack]\n"t@x.org" = "{"U" * 5000}"\n', "'UUUUUUUUUU"),  # clipped, as every config value
        ('[github]\nurl = "http://github.example/api/v3"\n', "github.url (from"),
        ('[github]\norgs = ["govpress", "gov press"]\n', "config github.orgs (from {path}) must be a list of GitHub"),
    ],
)
def test_bad_people_and_github_settings_are_named(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=re.escape(message.format(path=path))) as caught:
        config.load(path, {})
    assert len(caught.value.message) < 400  # one line, never the whole value
