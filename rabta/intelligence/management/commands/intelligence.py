"""``rabta intelligence <action> ...``: the intelligence domain's commands, one module each in ``rabta/intelligence/cli/``."""

from rabta.core.subcommands import SubcommandsCommand
from rabta.intelligence import cli


class Command(SubcommandsCommand):
    package = cli
    help = "Complaint intelligence: back-tests of the classifier (`rabta intelligence --help`)."
