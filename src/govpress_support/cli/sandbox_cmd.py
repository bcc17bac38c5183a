"""`govpress-support sandbox reset|serve`: the built-in Zendesk + Trello + rota emulator."""

from pathlib import Path
from typing import Annotated

import typer

from govpress_support.cli import runtime

app = typer.Typer(
    help="The built-in Zendesk + Trello + rota emulator: practise, test and benchmark without touching a real desk.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="sandbox")


@app.command("reset")
def reset_cmd(
    ctx: typer.Context,
    bulk: Annotated[
        int, typer.Option("--bulk", min=0, max=100_000, help="Add N generated unsolved tickets to the 2nd line group.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the generated data.")] = 1,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Wipe the sandbox and seed it again: a realistic GovPress desk with SLAs placed around now.

    Examples:

        govpress-support sandbox reset --yes

        govpress-support sandbox reset --bulk 1200 --yes
    """
    from govpress_support import sandbox
    from govpress_support.services.state import writable_dir

    rt = runtime.get(ctx)
    out = rt.out
    question = f"Reset the sandbox in {rt.state_dir}? Every change made in it is lost."
    if not out.confirm(question, yes=yes, dry_run=False):
        out.info("nothing changed")
        raise typer.Exit(1)
    writable_dir(rt.state_dir, "the sandbox's database")
    with out.status("seeding the sandbox…"):
        sandbox.reset(rt.state_dir, seed=seed, bulk=bulk)
    (rt.state_dir / "cache" / "metadata.json").unlink(missing_ok=True)
    out.success(f"sandbox reset in {rt.state_dir}" + (f" with {bulk} extra 2nd line tickets" if bulk else ""))


@app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 8765,
    latency: Annotated[
        int, typer.Option("--latency", metavar="MS", min=0, help="Added latency per request, in milliseconds.")
    ] = 0,
    rate_limit_share: Annotated[
        float, typer.Option("--rate-limit-share", metavar="F", min=0.0, max=1.0, help="Share of requests answered 429.")
    ] = 0.0,
    error_share: Annotated[
        float, typer.Option("--error-share", metavar="F", min=0.0, max=1.0, help="Share of requests answered 5xx.")
    ] = 0.0,
    drop_share: Annotated[
        float,
        typer.Option(
            "--drop-share", metavar="F", min=0.0, max=1.0, help="Share of connections dropped without an answer."
        ),
    ] = 0.0,
    retry_after: Annotated[
        float, typer.Option("--retry-after", metavar="S", min=0.0, help="Retry-After seconds on injected 429s.")
    ] = 1.0,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed for the injected faults: the same seed, the same faults.")
    ] = 0,
    frozen: Annotated[
        str | None,
        typer.Option(
            "--now",
            metavar="ISO",
            help="Freeze the sandbox's clock at this UTC time (or 'start'), so repeated runs see the same SLA times.",
        ),
    ] = None,
    git_dir: Annotated[
        Path | None,
        typer.Option(
            "--git-dir",
            metavar="DIR",
            help="Also make (or reuse) a local git remote and a working clone with unpushed branches in DIR.",
        ),
    ] = None,
) -> None:
    """Serve the sandbox over HTTP on 127.0.0.1 until Ctrl-C.

    Prints the base URL on stdout, and the environment to point the CLI at it on stderr.

    Examples:

        govpress-support sandbox serve --port 8765

        govpress-support sandbox serve --port 0 --latency 50 --rate-limit-share 0.2 --error-share 0.05 --retry-after 0

        govpress-support sandbox serve --git-dir /tmp/govpress-git

    A frozen clock (--now) also freezes the rate-limit windows: keep such runs short.
    """
    from govpress_support import sandbox
    from govpress_support.services.state import writable_dir

    rt = runtime.get(ctx)
    out = rt.out
    if frozen is not None:
        from govpress_support.core import timeutil
        from govpress_support.core.errors import UsageError

        instant = timeutil.now() if frozen == "start" else timeutil.parse_iso(frozen)
        if instant is None:
            raise UsageError(
                f"--now {frozen!r} is not an ISO 8601 time", "for example 2026-11-26T09:00:00Z, or 'start'"
            )
        timeutil.set_clock(lambda: instant)
    faults = sandbox.Faults(
        latency_ms=latency,
        rate_limit_share=rate_limit_share,
        error_share=error_share,
        drop_share=drop_share,
        retry_after=retry_after,
        seed=seed,
    )

    remote = None
    if git_dir is not None:
        from govpress_support.sandbox.git_remote import ensure_git_remote

        remote = ensure_git_remote(git_dir)

    def ready(actual: int) -> None:
        base = f"http://127.0.0.1:{actual}"
        out.text(base)
        out.info(f"sandbox serving on {base} (state in {rt.state_dir}); Ctrl-C stops it. Point the CLI at it with:")
        for name, value in sandbox.environment(base).items():
            out.info(f"  export {name}={value}")
        if remote is not None:
            out.info(f"git remote {remote.bare}; working clone {remote.clone} (handover --repos {remote.workdir})")

    writable_dir(rt.state_dir, "the sandbox's database")
    try:
        sandbox.serve(rt.state_dir, port=port, faults=faults, on_ready=ready)
    except OSError as exc:
        from govpress_support.core.errors import UsageError

        raise UsageError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", "pick another --port, or 0 for any free one"
        ) from None
    except KeyboardInterrupt:
        out.info("sandbox stopped")
