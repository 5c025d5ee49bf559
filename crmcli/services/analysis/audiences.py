"""Whom a call list or a letter goes to when analysis chooses: the customer codes of an
RFM class (``rfm:KEY``), an ABC tier (``abc:A``) or of the customers at risk of churning
(``risk``), as ``crm report segment`` and ``crm report churn`` compute them."""

from __future__ import annotations

from datetime import date

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.context import Ctx

#: the segments chosen here: those taking a value, and those standing alone
WITH_VALUE = ("rfm", "abc")
ALONE = ("risk",)


def codes(ctx: Ctx, by: str, value: str | None, as_of: date | None) -> list[str]:
    """The codes of segment ``by`` (``rfm``, ``abc`` or ``risk``) as of ``as_of`` (today by
    default), in the order the report lists them; an unknown class or tier is an error
    naming those there are."""
    from crmcli.services.analysis import churn, segments

    day = as_of or date.today()
    if by == "risk":
        return [r["code"] for r in churn.at_risk(ctx, today=day)]
    wanted = (value or "").strip()
    if by == "rfm":
        for key, *_flags, en, zh in segments.RFM_CLASSES:
            if wanted.lower() in (key, en.lower()) or wanted == zh:
                return [r["code"] for r in segments.rfm(ctx, as_of=day) if r["segment"] == key]
        accepted = ", ".join(key for key, *_ in segments.RFM_CLASSES)
    else:
        tier = wanted.upper()
        if tier in ("A", "B", "C"):
            return [r["code"] for r in segments.abc(ctx, as_of=day) if r["class"] == tier]
        accepted = "A, B, C"
    raise Invalid(
        t("unknown {what} '{value}' ({accepted})", what=by, value=value, accepted=accepted)
    )
