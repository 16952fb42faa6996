"""Command line interface: thin click commands over the Python API.

Heavy modules (pandas, TensorFlow, statsmodels) are imported inside the commands, so
``forecastrnn --help`` starts fast. Every user error becomes one ``Error: ...`` line and a
non-zero exit; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys

import click

from forecastrnn import __version__

USER_ERRORS = (ValueError, TypeError, FileNotFoundError, FileExistsError, KeyError)


class _Group(click.Group):
    """Turns user errors raised inside commands into one clean line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            if ctx.params.get("debug"):
                raise
            message = exc.args[0] if exc.args else type(exc).__name__
            click.echo(f"Error: {message}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="forecastrnn")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug):
    """Forecast time series with recurrent networks and compare them with baselines.

    Example: forecastrnn datasets
    """


@cli.command()
def datasets():
    """List the bundled datasets with path, rows and frequency.

    Example: forecastrnn datasets
    """
    from forecastrnn.datasets import list_datasets

    table = list_datasets()[["name", "path", "rows", "frequency", "target", "description"]]
    click.echo(table.to_string(index=False))


def main():
    cli(prog_name="forecastrnn")


if __name__ == "__main__":
    main()
