"""The actions of ``rabta exchange``."""
