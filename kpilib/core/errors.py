"""Errors a user can act on.

Anything raised as :class:`KpiError` is printed by the command line as one plain
line on stderr (exit status 2), never as a traceback.
"""


class KpiError(Exception):
    """An unusable argument or an unreadable input, described for a person."""
