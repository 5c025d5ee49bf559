"""What every table shares: the metadata's naming convention and exact column types.

Money is exact on every database: stored as integer cents (a BIGINT), read back as
:class:`~decimal.Decimal`, so sums in SQL are exact too. Quantities and percentages
use the same scheme with their own number of decimals.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

from sqlalchemy import BigInteger, DateTime, Text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata = SQLModel.metadata


class Fixed(TypeDecorator):
    """An exact decimal stored as a scaled integer (``places`` digits after the point)."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 2) -> None:
        super().__init__()
        self.places = places
        self.scale = 10**places
        self.quantum = Decimal(1).scaleb(-places)

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        exact = Decimal(value).quantize(self.quantum, ROUND_HALF_UP)
        return int(exact * self.scale)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self.scale).quantize(self.quantum)


class Money(Fixed):
    """Yuan with two decimals, stored as integer cents."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(2)


class TagList(TypeDecorator):
    """A list of tags stored as one comma-joined text (filterable with LIKE everywhere)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if not value:
            return None
        return ",".join(value)

    def process_result_value(self, value: Any, dialect: Any) -> list[str]:
        return value.split(",") if value else []


def moment(*, required: bool = False, **kw: Any) -> Any:
    """A local, naive datetime column (``YYYY-MM-DDTHH:MM:SS``, no time zone)."""
    if required:
        return Field(sa_type=DateTime, **kw)
    return Field(default=None, sa_type=DateTime, **kw)


def money(**kw: Any) -> Any:
    return Field(default=None, sa_type=Money, **kw)


def fk(target: str, **kw: Any) -> Any:
    """A nullable foreign key with an index (no ON DELETE: children are never cascaded)."""
    return Field(default=None, foreign_key=target, index=True, **kw)


def text(limit: int | None = None, **kw: Any) -> Any:
    return Field(default=None, max_length=limit, **kw)


class Stamped(SQLModel):
    """created_at / updated_at, set by the services in local time."""

    created_at: Optional[datetime] = moment()
    updated_at: Optional[datetime] = moment()


class SoftDeleted(Stamped):
    """A record that ``delete`` hides and ``restore`` brings back; ``db purge`` removes."""

    deleted_at: Optional[datetime] = moment(index=True)


__all__ = [
    "Decimal",
    "Field",
    "Fixed",
    "Money",
    "Optional",
    "SQLModel",
    "SoftDeleted",
    "Stamped",
    "TagList",
    "date",
    "datetime",
    "fk",
    "metadata",
    "moment",
    "money",
    "text",
]
