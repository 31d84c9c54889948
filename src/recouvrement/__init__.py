"""Recouvrement: a debt-collection workbench for French SMEs."""

__version__ = "0.1.0"
