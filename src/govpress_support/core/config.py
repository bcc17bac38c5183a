"""Settings: built-in defaults < TOML config file < environment < command-line flags.

Every name the tool knows from the support process (groups, boards, lists, the rota template
card, the tools and Slack channels of a rotation) is a default here, and nowhere else.
Secrets are not settings: see `credentials.py`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from govpress_support.core.config_rules import coerce, validate
from govpress_support.core.errors import ConfigError

APP_NAME = "govpress-support"

ENV_CONFIG = "GOVPRESS_SUPPORT_CONFIG"
ENV_STATE_DIR = "GOVPRESS_SUPPORT_STATE_DIR"
ENV_SANDBOX = "GOVPRESS_SUPPORT_SANDBOX"


def _help(text: str, **limits: float) -> dict[str, Any]:
    """A setting's help line, and for a number its range: `least` <= it, `above` < it, it <= `most`."""
    return {"help": text, **limits}


DAY = 86_400.0  # the longest any wait, timeout or deadline may be, seconds


@dataclass(frozen=True)
class ZendeskSettings:
    subdomain: str = field(default="govpress", metadata=_help("Zendesk subdomain: https://<subdomain>.zendesk.com"))
    url: str = field(default="", metadata=_help("Full Zendesk base URL; overrides subdomain (env ZENDESK_URL)"))
    email: str = field(
        default="",
        metadata=_help("Your Zendesk agent email (env ZENDESK_EMAIL; `auth login` stores it in the keyring)"),
    )
    trello_card_tag: str = field(
        default="trello_card", metadata=_help("Tag added to a ticket when a Trello card is linked")
    )
    trello_card_field_id: int = field(
        default=0, metadata=_help("Ticket custom field that holds the card URL (0: none)", least=0)
    )
    believed_solved_status: str = field(
        default="Pending believed solved", metadata=_help("Agent label of the custom status used instead of Solved")
    )
    believed_solved_tag: str = field(
        default="believed_solved", metadata=_help("Tag set with status pending when the account has no custom statuses")
    )
    metadata_cache_seconds: int = field(
        default=600, metadata=_help("How long group ids and custom statuses are cached (0: never)", least=0)
    )

    def base_url(self) -> str:
        return self.url.rstrip("/") if self.url else f"https://{self.subdomain}.zendesk.com"


@dataclass(frozen=True)
class GroupSettings:
    triage: str = field(default="GovPress support triage", metadata=_help("Where new tickets arrive"))
    first_line: str = field(default="GovPress 1st line support", metadata=_help("Work under an hour"))
    second_line: str = field(
        default="GovPress 2nd line support", metadata=_help("Work under half a day; needs a Trello card")
    )
    scoping: str = field(default="GovPress scoping and discussion", metadata=_help("Longer work, to be scoped"))
    permanent_members: list[str] = field(
        default_factory=list,
        metadata=_help("Emails never removed from the 2nd line group (account manager, maintenance team)"),
    )

    def by_alias(self) -> dict[str, str]:
        """The short names commands accept for each group."""
        return {"triage": self.triage, "1st": self.first_line, "2nd": self.second_line, "scoping": self.scoping}


@dataclass(frozen=True)
class TrelloSettings:
    url: str = field(default="https://api.trello.com/1", metadata=_help("Trello API base URL (env TRELLO_URL)"))
    backlog_board: str = field(
        default="pF46aRdl", metadata=_help("Support and Maintenance Backlog board (id or short link)")
    )
    backlog_list: str = field(default="Backlog", metadata=_help("List on the backlog board where new cards go"))
    week_board: str = field(default="Y2QL3Pha", metadata=_help("Week in Progress board (id or short link)"))
    weekly_tasks_list: str = field(
        default="Weekly tasks", metadata=_help("List of weekly jobs on the Week in Progress board")
    )
    doing_list: str = field(default="Doing", metadata=_help("List a taken weekly task goes to, where there is one"))
    rota_template_card: str = field(
        default="Q5BahEhI", metadata=_help("The 'Add a new developer to the support rota (copy me!)' card")
    )


@dataclass(frozen=True)
class RotaSettings:
    url: str = field(
        default="", metadata=_help("URL of the rota JSON, e.g. https://rota.example/v2/dev/rota.json (env ROTA_URL)")
    )
    role: str = field(default="dev", metadata=_help("Rota role whose engineers hold 2nd line"))


@dataclass(frozen=True)
class QueueSettings:
    sla_warning: str = field(default="1h", metadata=_help("SLA times under this show amber"))


_DEFAULT_TOOLS = {
    "whippet": "brew install dxw/tap/whippet",
    "dalmatian": "install dalmatian-tools and put its bin/ on your PATH",
    "govpress-tools": "install govpress-tools and put it on your PATH",
    "security-alert-notifier": "clone security-alert-notifier and put its main script on your PATH",
}

_DEFAULT_CHANNELS = [
    "#dxw-govpress-support-triage",
    "#dxw-govpress-support-1st-line",
    "#dxw-govpress-support-2nd-line",
    "#dxw-govpress-support-scoping",
    "#dxw-dalmatian",
    "#dxw-client-support",
    "#incidents",
    "#systems",
]


@dataclass(frozen=True)
class RotationSettings:
    tools: dict[str, str] = field(
        default_factory=lambda: dict(_DEFAULT_TOOLS),
        metadata=_help("Commands a rota engineer needs on PATH, each with its install hint"),
    )
    slack_channels: list[str] = field(
        default_factory=lambda: list(_DEFAULT_CHANNELS), metadata=_help("Slack channels to join for a rotation")
    )


@dataclass(frozen=True)
class HandoverSettings:
    repos: list[str] = field(
        default_factory=list, metadata=_help("Directories holding git repositories to check for unpushed work")
    )


@dataclass(frozen=True)
class GitHubSettings:
    url: str = field(
        default="https://api.github.com",
        metadata=_help("GitHub REST API base URL; GitHub Enterprise: https://HOST/api/v3 (env GITHUB_API_URL)"),
    )
    orgs: list[str] = field(
        default_factory=lambda: ["govpress"],
        metadata=_help("Organisations whose open pull requests you authored are handed over"),
    )


@dataclass(frozen=True)
class PeopleSettings:
    github: dict[str, str] = field(
        default_factory=dict,
        metadata=_help('GitHub login by Zendesk email, e.g. "tom.hughes@govpress.example" = "tomhughes-dev"'),
    )
    slack: dict[str, str] = field(
        default_factory=dict,
        metadata=_help('Slack member id by email, for mentions, e.g. "tom.hughes@govpress.example" = "U0123ABCD"'),
    )

    def github_login(self, email: str | None) -> str | None:
        return _by_email(self.github, email)

    def slack_id(self, email: str | None) -> str | None:
        return _by_email(self.slack, email)


def _by_email(table: Mapping[str, str], email: str | None) -> str | None:
    wanted = (email or "").strip().casefold()
    found = next((v for k, v in table.items() if wanted and k.strip().casefold() == wanted), None)
    return found.strip() if found and found.strip() else None


@dataclass(frozen=True)
class HttpSettings:
    deadline: float = field(
        default=60.0,
        metadata=_help(
            "Seconds one request may take in all (connecting, reading, every retry and wait) before it fails",
            above=0,
            most=DAY,
        ),
    )
    timeout: float = field(default=30.0, metadata=_help("Read timeout per attempt, seconds", above=0, most=DAY))
    connect_timeout: float = field(default=10.0, metadata=_help("Connect timeout, seconds", above=0, most=DAY))
    max_retries: int = field(
        default=6, metadata=_help("Retries of a request after 429, 5xx or a dropped connection", least=0, most=100)
    )
    max_retry_wait: float = field(
        default=120.0, metadata=_help("Total seconds one request may spend waiting to retry", least=0, most=DAY)
    )
    backoff: float = field(default=0.5, metadata=_help("First backoff, seconds; doubles each retry", least=0, most=DAY))


@dataclass(frozen=True)
class Settings:
    zendesk: ZendeskSettings = field(default_factory=ZendeskSettings)
    groups: GroupSettings = field(default_factory=GroupSettings)
    trello: TrelloSettings = field(default_factory=TrelloSettings)
    rota: RotaSettings = field(default_factory=RotaSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    rotation: RotationSettings = field(default_factory=RotationSettings)
    handover: HandoverSettings = field(default_factory=HandoverSettings)
    github: GitHubSettings = field(default_factory=GitHubSettings)
    people: PeopleSettings = field(default_factory=PeopleSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    # Where these came from, for `config show` and error messages.
    source: Mapping[str, str] = field(default_factory=dict, compare=False)


SECTIONS: tuple[str, ...] = tuple(f.name for f in fields(Settings) if f.name != "source")

# Environment variables that set a setting: name -> (section, key).
ENV_SETTINGS: dict[str, tuple[str, str]] = {
    "ZENDESK_SUBDOMAIN": ("zendesk", "subdomain"),
    "ZENDESK_URL": ("zendesk", "url"),
    "ZENDESK_EMAIL": ("zendesk", "email"),
    "TRELLO_URL": ("trello", "url"),
    "ROTA_URL": ("rota", "url"),
    "GITHUB_API_URL": ("github", "url"),
}


# --- paths -------------------------------------------------------------------------------------


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_STATE_DIR):
        return Path(env[ENV_STATE_DIR]).expanduser()
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False)


def sandbox_from_env(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV_SANDBOX, "").strip().lower() in ("1", "true", "yes", "on")


# --- loading -----------------------------------------------------------------------------------


def named_by(environ: Mapping[str, str], flag: Path | None = None) -> str | None:
    """Who named the config file: `--config`, the environment variable, or None (the default
    path, the only one that may be absent)."""
    if flag is not None:
        return "--config"
    return ENV_CONFIG if environ.get(ENV_CONFIG) else None


def load(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    named: str | None = None,
) -> Settings:
    """Defaults, then the config file, then the environment, then `overrides`.

    The file may be absent only when nobody named it: `named` says who did (`--config`, the
    environment variable), and then it must exist. With no `path`, the environment's or the
    default path is used."""
    env = os.environ if environ is None else environ
    if path is None:
        named = named or named_by(env)
    file_path = path if path is not None else config_path(env)
    source: dict[str, str] = {}
    data: dict[str, dict[str, Any]] = {}

    if named and not file_path.exists():
        raise ConfigError(
            f"config file {file_path} (named by {named}) does not exist",
            f"create it with `{APP_NAME} config init`, or name an existing file",
        )
    if file_path.exists():
        for section, values in _read_file(file_path).items():
            for key, value in values.items():
                data.setdefault(section, {})[key] = value
                source[f"{section}.{key}"] = str(file_path)

    for name, (section, key) in ENV_SETTINGS.items():
        value = env.get(name, "").strip()
        if value:
            data.setdefault(section, {})[key] = value
            source[f"{section}.{key}"] = f"env {name}"

    for section, overridden in (overrides or {}).items():
        for key, value in overridden.items():
            data.setdefault(section, {})[key] = value
            source[f"{section}.{key}"] = "command line"

    settings = Settings(source=source)
    for section, values in data.items():
        current = getattr(settings, section)
        converted = {key: _coerce(section, key, value, source) for key, value in values.items()}
        settings = replace(settings, **{section: replace(current, **converted)})
    validate(settings)
    return settings


def _read_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"config file {path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line})",
            "save it as UTF-8",
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The message already says "(at line N, column M)".
        raise ConfigError(
            f"config file {path} is not valid TOML: {exc}", f"fix it, or run `{APP_NAME} config init --force`"
        ) from exc

    known_sections = {f.name: f.type for f in fields(Settings) if f.name != "source"}
    result: dict[str, dict[str, Any]] = {}
    for section, values in raw.items():
        if section not in known_sections:
            raise ConfigError(
                f"unknown config section [{section}] in {path}{_line_of(text, section, header=True)}",
                _suggest(section, list(known_sections)),
            )
        if not isinstance(values, dict):
            raise ConfigError(
                f"config [{section}] in {path} must be a table", f"write it as [{section}] with keys below it"
            )
        keys = {f.name for f in fields(getattr(Settings(), section))}
        for key in values:
            if key not in keys:
                raise ConfigError(
                    f"unknown config key {section}.{key} in {path}{_line_of(text, key)}",
                    _suggest(key, sorted(keys)),
                )
        result[section] = dict(values)
    return result


def _line_of(text: str, name: str, *, header: bool = False) -> str:
    pattern = rf"^\s*\[\s*{re.escape(name)}\s*\]" if header else rf"^\s*\"?{re.escape(name)}\"?\s*="
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return f" line {number}"
    return ""


def _suggest(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "known: " + ", ".join(known)


def _coerce(section: str, key: str, value: Any, source: Mapping[str, str]) -> Any:
    spec = {f.name: f for f in fields(getattr(Settings(), section))}[key]
    default = getattr(getattr(Settings(), section), key)
    where = source.get(f"{section}.{key}", "")
    label = f"config {section}.{key}" + (f" (from {where})" if where else "")
    return coerce(value, default, spec.metadata, label)


# --- writing -------------------------------------------------------------------------------------


def default_file_text() -> str:
    """A config file with every setting at its default, each with a comment."""
    import tomli_w

    lines = [
        f"# {APP_NAME} configuration. Every value below is the built-in default.",
        "# Precedence: defaults < this file < environment variables < command-line flags.",
        "# Secrets (API tokens) never go here: use `govpress-support auth login` or the environment.",
        "",
    ]
    defaults = Settings()
    for section in SECTIONS:
        obj = getattr(defaults, section)
        lines.append(f"[{section}]")
        # Tables go last: keys written after a [section.table] header would belong to it.
        for spec in sorted(fields(obj), key=lambda f: isinstance(getattr(obj, f.name), dict)):
            value = getattr(obj, spec.name)
            lines.append(f"# {spec.metadata.get('help', '')}")
            if isinstance(value, dict):
                lines.append(f"[{section}.{spec.name}]")
                lines.extend(tomli_w.dumps(value).strip().splitlines())
            else:
                lines.append(tomli_w.dumps({spec.name: value}).strip())
        lines.append("")
    return "\n".join(lines) + "\n"


def as_toml_dict(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        section: {f.name: getattr(getattr(settings, section), f.name) for f in fields(getattr(settings, section))}
        for section in SECTIONS
    }
