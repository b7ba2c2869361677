"""``rabta risk <action> ...``: the risk domain's commands, one module each in ``rabta/risk/cli/``."""

from rabta.core.subcommands import SubcommandsCommand
from rabta.risk import cli


class Command(SubcommandsCommand):
    package = cli
    help = "Risk management: back-tests, training and lane selection jobs (`rabta risk --help`)."
