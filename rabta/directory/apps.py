from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "rabta.directory"
    label = "directory"
    verbose_name = "Government directory"
