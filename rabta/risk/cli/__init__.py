"""Sub-commands of ``rabta risk``: each module here defines ``HELP`` (one line), ``add_arguments(parser)``
and ``run(options, stdout, stderr) -> None``; the command finds them by module name, so a new
sub-command is a new module and no shared file changes."""
