"""Sub-commands of ``rabta customs_dashboard``: each module here defines ``HELP`` (one line),
``add_arguments(parser)`` and ``run(options, stdout, stderr) -> None``."""
