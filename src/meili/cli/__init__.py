"""The ``meili`` command line.

Each capability adds one sub-command module here. Commands are imported lazily so that
``meili air …`` on a laptop never has to configure Django, and a missing optional part never
breaks ``meili --help``.
"""

from __future__ import annotations

import importlib

import click

from meili import __version__

#: sub-command name -> "module:attribute"; the order is the order of ``meili --help``.
COMMANDS: dict[str, str] = {
    "run": "meili.cli.platform:run",
    "serve": "meili.cli.platform:serve",
    "migrate": "meili.cli.platform:migrate",
    "createuser": "meili.cli.platform:createuser",
    "check": "meili.cli.platform:check",
    "demo": "meili.cli.platform:demo",
    "backup": "meili.cli.platform:backup",
    "restore": "meili.cli.platform:restore",
    "plan": "meili.cli.plan:plan",
    "progress": "meili.cli.progress:progress",
    "air": "meili.cli.air:air",
    "lake": "meili.cli.lake:lake",
    "water": "meili.cli.media:water",
    "sea": "meili.cli.media:sea",
    "groundwater": "meili.cli.media:groundwater",
    "soil": "meili.cli.media:soil",
    "noise": "meili.cli.media:noise",
    "import": "meili.cli.monitoring:import_",
    "report": "meili.cli.reports:report",
    "cases": "meili.cli.cases:cases",
    "carbon": "meili.cli.carbon:carbon",
    "hj212": "meili.cli.hj212:hj212_group",
    "remind": "meili.cli.remind:remind",
}


def _load(target: str) -> click.Command | None:
    module_name, attr = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, attr)


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in COMMANDS.items() if _load(target) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        return _load(target) if target else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="meili")
def main() -> None:
    """Meili — 美丽威海生态环境数字治理平台.

    Measure, track, govern and report a city's eco-environmental plan.
    """
