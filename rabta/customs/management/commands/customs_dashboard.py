"""``rabta customs_dashboard <action> ...``: the clearance dashboard's commands, one module each in
``rabta/customs/dashboard_cli/``."""

from rabta.core.subcommands import SubcommandsCommand
from rabta.customs import dashboard_cli


class Command(SubcommandsCommand):
    package = dashboard_cli
    help = "Clearance dashboard: rebuild its roll-ups from the declarations' events (`rabta customs_dashboard --help`)."
