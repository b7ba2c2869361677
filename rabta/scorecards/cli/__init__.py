"""Sub-commands of ``rabta scorecards``: each module here defines ``HELP`` (one line),
``add_arguments(parser)`` and ``run(options, stdout, stderr) -> None``."""
