"""``rabta scorecards <action> ...``: the scorecards domain's commands, one module each in ``rabta/scorecards/cli/``."""

from rabta.core.subcommands import SubcommandsCommand
from rabta.scorecards import cli


class Command(SubcommandsCommand):
    package = cli
    help = "Scorecards: fold new complaint events into the roll-ups, or rebuild them (`rabta scorecards --help`)."
