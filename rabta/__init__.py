"""Rabta: public grievance redressal and customs facilitation."""

__version__ = "0.1.0"
