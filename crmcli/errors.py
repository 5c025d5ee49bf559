"""The errors crmcli raises for people, not for programmers.

Services raise these; the CLI edge (``crmcli.cli``) turns each into one
``Error: ...`` line on stderr and exit code 1. Messages are already translated
(see :func:`crmcli.i18n.t`) when the error is raised.
"""

from __future__ import annotations


class CrmError(Exception):
    """A problem the user can fix: bad input, a missing record, a refusal."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class Invalid(CrmError):
    """A value that does not parse or is not allowed."""


class NotFound(CrmError):
    """A record named on the command line does not exist."""


class Ambiguous(CrmError):
    """A name matches more than one record."""


class Duplicate(CrmError):
    """A value that must be unique is taken."""


class Conflict(CrmError):
    """The action does not fit the record's current state."""


class NotPermitted(CrmError):
    """The acting user may not do this."""


class DatabaseError(CrmError):
    """The database cannot be opened, upgraded or used."""
