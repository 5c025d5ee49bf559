"""The errors crmcli raises for people, not for programmers.

Services raise these; the CLI edge (``crmcli.cli``) turns each into one
``Error: ...`` line on stderr and exit code 1. Messages are already translated
(see :func:`crmcli.i18n.t`) when the error is raised.
"""

from __future__ import annotations

import errno

from crmcli.i18n import t


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


class FileError(CrmError):
    """A file or folder that cannot be read or written: missing, a folder, not permitted,
    read-only, a full disk. The message names the file and says why in the user's language."""

    @classmethod
    def reading(cls, e: OSError, file: object) -> FileError:
        return cls(t("cannot read {file}: {error}", file=file, error=os_reason(e)))

    @classmethod
    def writing(cls, e: OSError, file: object, hint: str | None = None) -> FileError:
        return cls(t("cannot write {file}: {error}", file=file, error=os_reason(e)), hint)


def os_reason(e: OSError) -> str:
    """Why an operating-system call failed, in the user's language (the C library's words
    for the rare errors not named here)."""
    reasons = {
        "ENOENT": t("there is no such file or folder"),
        "EISDIR": t("it is a folder, not a file"),
        "ENOTDIR": t("a part of the path is a file, not a folder"),
        "EACCES": t("permission denied"),
        "EPERM": t("the operation is not permitted"),
        "EROFS": t("the file system is read-only"),
        "ENOSPC": t("no space left on the disk or device"),
        "EDQUOT": t("the disk quota is used up"),
        "EFBIG": t("the file is too large"),
        "ENAMETOOLONG": t("the name is too long"),
        "ELOOP": t("too many symbolic links (a loop?)"),
        "ENXIO": t("no device, or nothing at the other end"),
        "EIO": t("input/output error (a failing disk or device?)"),
        "EBUSY": t("it is in use"),
        "ETXTBSY": t("it is in use"),
        "EMFILE": t("too many open files"),
        "ENFILE": t("too many open files"),
        "EPIPE": t("the reader closed it before the end"),
        "EEXIST": t("it exists already"),
    }
    found = reasons.get(errno.errorcode.get(e.errno or 0, ""))
    if found:
        return found
    return e.strerror or str(e) or type(e).__name__


def os_message(e: OSError) -> str:
    """An OSError no caller turned into a :class:`FileError`: the file(s) it names and why."""
    reason = os_reason(e)
    if e.filename is not None and e.filename2 is not None:
        return t("{file} -> {other}: {error}", file=e.filename, other=e.filename2, error=reason)
    if e.filename is not None:
        return t("{file}: {error}", file=e.filename, error=reason)
    return t("a file or device failed: {error}", error=reason)
