"""`govpress-support config path|show|init`."""

from typing import Annotated

import typer

from govpress_support.cli import runtime

app = typer.Typer(
    help="Show or create the configuration file.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="config")


@app.command("path")
def path_cmd(ctx: typer.Context) -> None:
    """Print the path of the config file in use (whether or not it exists).

    Example:

        govpress-support config path
    """
    rt = runtime.get(ctx)
    rt.out.text(str(rt.config_path))
    if not rt.config_path.exists():
        rt.out.note("(it does not exist yet: `govpress-support config init` writes one with every default)")


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Print the effective settings (defaults < file < environment), with where each came from.

    Secrets are never part of the settings: see `govpress-support auth status`.

    Examples:

        govpress-support config show

        govpress-support config show --json | jq .groups
    """
    from govpress_support.core.config import as_toml_dict

    rt = runtime.get(ctx)
    settings = rt.settings
    data = as_toml_dict(settings)
    out = rt.output(json_out)
    if json_out:
        out.json({"config_file": str(rt.config_path), "settings": data, "sources": dict(settings.source)})
        return
    import json

    import tomli_w

    lines = [f"# config file: {rt.config_path}{'' if rt.config_path.exists() else ' (not present)'}"]
    for section, values in data.items():
        lines.append(f"\n[{section}]")
        for key, value in values.items():
            origin = settings.source.get(f"{section}.{key}")
            rendered = tomli_w.dumps({key: value}).strip()
            if isinstance(value, dict):
                rendered = (
                    f"{key} = {{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items()) + " }"
                )
            lines.append(rendered + (f"  # from {origin}" if origin else ""))
    out.text("\n".join(lines))


@app.command("init")
def init_cmd(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a config file holding every default, each with a comment.

    Examples:

        govpress-support config init

        GOVPRESS_SUPPORT_CONFIG=./support.toml govpress-support config init --force
    """
    from govpress_support.core.config import default_file_text
    from govpress_support.core.errors import UsageError

    rt = runtime.get(ctx)
    target = rt.config_path
    if target.exists() and not force:
        raise UsageError(f"{target} already exists", "pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(default_file_text(), encoding="utf-8")
    tmp.replace(target)
    rt.out.success(f"wrote {target}")
