"""`govpress-support auth login|status|logout`."""

from enum import StrEnum
from typing import Annotated

import typer

from govpress_support.cli import runtime

app = typer.Typer(
    help="Log in to Zendesk, Trello, GitHub and Slack, check who you are, log out.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="auth")


class Service(StrEnum):
    zendesk = "zendesk"
    trello = "trello"
    github = "github"
    slack = "slack"


@app.command("login")
def login_cmd(
    ctx: typer.Context,
    service: Annotated[
        Service | None,
        typer.Argument(help="zendesk, trello, github or slack (default: zendesk and trello, one after the other)."),
    ] = None,
    with_token: Annotated[
        bool, typer.Option("--with-token", help="Read the token from stdin instead of prompting (for scripts).")
    ] = False,
    email: Annotated[
        str | None, typer.Option("--email", help="Zendesk agent email (default: ZENDESK_EMAIL or zendesk.email).")
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="Trello API key (default: TRELLO_API_KEY).")] = None,
) -> None:
    """Check your API credentials with the service and keep them in the OS keyring.

    Zendesk needs your agent email and an API token (Admin Center > Apps and integrations >
    Zendesk API). Trello needs an API key and a token (https://trello.com/power-ups/admin).
    GitHub (for handing over pull requests) needs a token that may read and write pull requests
    of your organisation's repositories (without one, GITHUB_TOKEN, GH_TOKEN or `gh auth token`
    are used). Slack (for `handover --slack`) needs the team channel's incoming webhook URL: it is
    checked with Slack without posting anything, and only https://hooks.slack.com URLs are taken.
    Nothing is stored if the service rejects them. Where no keyring exists, set the
    environment variables instead (see `auth status`).

    Examples:

        govpress-support auth login zendesk

        echo "$TOKEN" | govpress-support auth login zendesk --with-token --email me@example.org

        echo "$TRELLO_TOKEN" | govpress-support auth login trello --with-token --key "$KEY"

        gh auth token | govpress-support auth login github --with-token

        govpress-support auth login slack
    """
    from govpress_support.core.errors import UsageError
    from govpress_support.workflows import auth

    rt = runtime.get(ctx)
    out = rt.out
    if rt.sandbox:
        raise UsageError(
            "the sandbox needs no login", "drop --sandbox (and GOVPRESS_SUPPORT_SANDBOX) to log in to the real services"
        )
    services = [service.value] if service else list(auth.SERVICES)
    if with_token and len(services) != 1:
        raise UsageError("--with-token logs in to one service at a time", "name it: `auth login zendesk --with-token`")
    settings = rt.settings
    for name in services:
        if with_token:
            token = out.stdin.readline().strip()
            if not token:
                raise UsageError(
                    "no token on stdin", 'pipe it in: `echo "$TOKEN" | govpress-support auth login ... --with-token`'
                )
        elif not out.stdin_tty:
            raise UsageError(
                "not on a terminal, so cannot prompt for a token", "use --with-token and pipe the token on stdin"
            )
        else:
            token = ""
        account_email = email or rt.environ.get("ZENDESK_EMAIL", "") or settings.zendesk.email
        api_key = key or rt.environ.get("TRELLO_API_KEY", "")
        if not with_token:
            from rich.prompt import Prompt

            if name == "zendesk":
                account_email = Prompt.ask("Zendesk agent email", default=account_email, console=out.err) or ""
                token = Prompt.ask("Zendesk API token", password=True, console=out.err)
            elif name == "trello":
                api_key = api_key or Prompt.ask("Trello API key", console=out.err)
                token = Prompt.ask("Trello token", password=True, console=out.err)
            elif name == "github":
                token = Prompt.ask("GitHub token", password=True, console=out.err)
            else:
                token = Prompt.ask("Slack incoming webhook URL", password=True, console=out.err)
        who = auth.login(
            name,
            settings,
            rt.clients.keyring,
            environ=rt.environ,
            state_dir=rt.state_dir,
            email=account_email,
            key=api_key,
            token=token.strip(),
        )
        kept = "webhook URL" if name == "slack" else "token"
        out.success(f"logged in to {_label(name)} as {who}; {kept} kept in the keyring")


@app.command("status")
def status_cmd(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show who you are on Zendesk and Trello and where each credential came from.

    Exits 4 when any credential is missing or rejected.

    Examples:

        govpress-support auth status

        govpress-support auth status --json
    """
    from dataclasses import asdict

    from govpress_support.core.errors import ExitCode
    from govpress_support.services.credentials import slack_webhook
    from govpress_support.workflows import auth

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    clients = rt.clients
    statuses = auth.status(
        clients.settings,
        sandbox=clients.sandbox,
        environ=clients.environ,
        keyring=clients.keyring,
        zendesk=lambda: clients.zendesk,
        trello=lambda: clients.trello,
        github=lambda: clients.github,
        github_token=clients.github_token,
        slack=lambda: clients.slack,
        slack_url=None if clients.sandbox else slack_webhook(clients.environ, clients.keyring),
    )
    if json_out:
        out.json([asdict(s) for s in statuses])
    else:
        for s in statuses:
            name = _label(s.service)
            if s.optional and not s.logged_in:
                out.text(f"· {name}: {s.problem}")
                if s.fix:
                    out.text(f"  to set up: {s.fix}")
            elif s.ok:
                origin = f"; token {s.token} from {s.source}" if s.token else f"; {s.source}"
                out.text(f"✓ {name}: {s.who} at {s.url}{origin}")
            else:
                origin = f" (token {s.token} from {s.source})" if s.token else ""
                out.text(f"✗ {name}: {s.problem}{origin} at {s.url}")
                if s.fix:
                    out.text(f"  fix: {s.fix}")
    if not all(s.fine for s in statuses):
        raise typer.Exit(int(ExitCode.AUTH))


@app.command("logout")
def logout_cmd(
    ctx: typer.Context,
    service: Annotated[
        Service | None, typer.Argument(help="zendesk, trello, github or slack (default: all four).")
    ] = None,
) -> None:
    """Remove stored credentials from the keyring.

    Environment variables (ZENDESK_API_TOKEN, TRELLO_TOKEN, GITHUB_TOKEN, SLACK_WEBHOOK_URL, ...)
    still apply if set.

    Example:

        govpress-support auth logout trello
    """
    from govpress_support.services.credentials import SERVICE_ENV, forget
    from govpress_support.workflows import auth

    rt = runtime.get(ctx)
    for name in [service.value] if service else list(auth.ALL_SERVICES):
        removed = forget(rt.clients.keyring, name)
        what = "credentials removed from the keyring" if removed else "nothing stored in the keyring"
        rt.out.success(f"{_label(name)}: {what}")
        still = [v for v in SERVICE_ENV[name] if rt.environ.get(v)]
        if still:
            rt.out.warn(f"{', '.join(still)} still set in the environment")


def _label(service: str) -> str:
    return {"github": "GitHub"}.get(service, service.capitalize())
