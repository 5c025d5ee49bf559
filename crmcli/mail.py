"""E-mail: messages as RFC 5322 files (``.eml``) and sending them through an SMTP server.

Standard library only (``email``, ``smtplib``). A message is plain text in UTF-8; a
Chinese display name or subject is encoded in its header (RFC 2047), so any mail program
shows it. The server is named by a URL (``CRM_SMTP_URL``)::

    smtp://user:password@mail.example.com:587?starttls=1     plain, upgraded with STARTTLS
    smtp://localhost:1025                                     plain, no login
    smtps://user:password@mail.example.com                    TLS from the start (port 465)

User and password are percent-decoded (``%40`` for an ``@`` in a user name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crmcli.errors import CrmError, Invalid
from crmcli.i18n import t

TRUE = ("1", "true", "yes", "on")


@dataclass
class Server:
    """Where to send: host and port, TLS, and the login (if any)."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def __str__(self) -> str:  # never the password
        scheme = "smtps" if self.tls else "smtp"
        who = f"{self.user}@" if self.user else ""
        return f"{scheme}://{who}{self.host}:{self.port}"


def parse_url(url: str) -> Server:
    """A :class:`Server` from ``smtp://`` or ``smtps://`` URL (see the module's docstring)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise Invalid(
            t("invalid SMTP URL '{value}'", value=_hide_password(url)),
            hint=t("use smtp://user:password@host:port (add ?starttls=1) or smtps://..."),
        )
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    tls = scheme == "smtps"
    try:
        port = parts.port or (465 if tls else 25)
    except ValueError:
        raise Invalid(t("invalid SMTP URL '{value}'", value=_hide_password(url))) from None
    return Server(
        host=parts.hostname,
        port=port,
        tls=tls,
        starttls=query.get("starttls", "").lower() in TRUE,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _hide_password(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        if parts.password:
            return url.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return url


def address(name: str | None, email: str) -> Any:
    """A header address: the display name (UTF-8, encoded as needed) and the e-mail."""
    from email.headerregistry import Address

    return Address(display_name=name or "", addr_spec=email)


def parse_address(text: str) -> Any:
    """``Name <a@b.c>`` or ``a@b.c`` as an address; refused when it is not one."""
    from email.headerregistry import Address
    from email.utils import parseaddr

    name, spec = parseaddr(text)
    if not spec or "@" not in spec:
        raise Invalid(t("invalid e-mail address '{value}'", value=text))
    return Address(display_name=name, addr_spec=spec)


def message(
    *,
    sender: Any,
    to: Any,
    subject: str,
    body: str,
    at: datetime | None = None,
    reply_to: Any = None,
) -> Any:
    """An :class:`email.message.EmailMessage`: plain UTF-8 text, with Date and Message-ID."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if reply_to is not None:
        msg["Reply-To"] = reply_to
    msg["Subject"] = subject
    when = (at or datetime.now()).astimezone()
    msg["Date"] = format_datetime(when)
    domain = sender.domain if getattr(sender, "domain", "") else "localhost"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(body if body.endswith("\n") else body + "\n", charset="utf-8")
    return msg


def as_bytes(msg: Any) -> bytes:
    """The message as an RFC 5322 file (CRLF line ends)."""
    from email import policy

    return msg.as_bytes(policy=policy.SMTP)


def write_eml(path: Path, msg: Any) -> None:
    path.write_bytes(as_bytes(msg))


class SendError(CrmError):
    """The server could not be reached, or refused the login."""


class Outbox:
    """One connection to the server for a run: ``with Outbox(server) as box: box.send(msg)``."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self._smtp: Any = None

    def __enter__(self) -> Outbox:
        import smtplib
        import ssl

        s = self.server
        smtp: Any
        try:
            if s.tls:
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.user:
                    smtp.login(s.user, s.password or "")
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as e:
            raise SendError(
                t("cannot send through {server}: {error}", server=str(s), error=_why(e)),
                hint=t("check CRM_SMTP_URL (smtp://user:password@host:port, smtps://...)"),
            ) from None
        self._smtp = smtp
        return self

    def send(self, msg: Any) -> None:
        """Send one message; an error is raised as :class:`SendError` with the reason."""
        import smtplib

        try:
            self._smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as e:
            raise SendError(_why(e)) from None

    def __exit__(self, *exc: Any) -> None:
        import smtplib

        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _why(e: BaseException) -> str:
    import smtplib

    if isinstance(e, smtplib.SMTPRecipientsRefused):
        reasons = [
            f"{rcpt}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for rcpt, (code, msg) in e.recipients.items()
        ]
        return "; ".join(reasons)
    if isinstance(e, smtplib.SMTPResponseException):
        text = e.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{e.smtp_code} {text}"
    return str(e) or type(e).__name__
