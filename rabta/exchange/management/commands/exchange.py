"""``rabta exchange <action> ...``: the data exchange's commands, one module each in ``rabta/exchange/cli/``."""

from rabta.core.subcommands import SubcommandsCommand
from rabta.exchange import cli


class Command(SubcommandsCommand):
    package = cli
    help = "Data exchange: WCO-shaped exports to and imports from partner administrations (`rabta exchange --help`)."
