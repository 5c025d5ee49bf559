"""Every table of crmcli, in seven modules, loaded on first use.

``from crmcli.models import Customer`` imports only the module that defines it, so
a command that lists customers does not pay for building the sales tables.
:func:`load_all` imports everything (migrations, ``create_all``, purge).

- :mod:`crmcli.models.core`: User, Customer, Contact, CustomField
- :mod:`crmcli.models.activity`: Interaction, Followup
- :mod:`crmcli.models.service`: Ticket, TicketEvent
- :mod:`crmcli.models.calls`: CallList, CallEntry
- :mod:`crmcli.models.sales`: Supplier, Product, Competitor, Opportunity, StageChange,
  SalesOrder, OrderLine, Contract, PaymentPlan, Receipt
- :mod:`crmcli.models.system`: Setting, AuditEntry, ImportBatch, CodeCounter
- :mod:`crmcli.models.survey`: Survey, SurveyQuestion, SurveyResponse, SurveyAnswer
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

MODULES = ("core", "activity", "service", "calls", "sales", "system", "survey")
_WHERE = {
    "User": "core",
    "Customer": "core",
    "Contact": "core",
    "CustomField": "core",
    "ImportBatch": "system",
    "Interaction": "activity",
    "Followup": "activity",
    "Ticket": "service",
    "TicketEvent": "service",
    "CallList": "calls",
    "CallEntry": "calls",
    "Supplier": "sales",
    "Product": "sales",
    "Competitor": "sales",
    "Opportunity": "sales",
    "StageChange": "sales",
    "SalesOrder": "sales",
    "OrderLine": "sales",
    "Contract": "sales",
    "PaymentPlan": "sales",
    "Receipt": "sales",
    "Setting": "system",
    "AuditEntry": "system",
    "CodeCounter": "system",
    "Survey": "survey",
    "SurveyQuestion": "survey",
    "SurveyResponse": "survey",
    "SurveyAnswer": "survey",
}

if TYPE_CHECKING:
    from crmcli.models.activity import Followup, Interaction
    from crmcli.models.calls import CallEntry, CallList
    from crmcli.models.core import Contact, Customer, CustomField, User
    from crmcli.models.sales import (
        Competitor,
        Contract,
        Opportunity,
        OrderLine,
        PaymentPlan,
        Product,
        Receipt,
        SalesOrder,
        StageChange,
        Supplier,
    )
    from crmcli.models.service import Ticket, TicketEvent
    from crmcli.models.survey import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
    from crmcli.models.system import AuditEntry, CodeCounter, ImportBatch, Setting


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'crmcli.models' has no attribute {name!r}")
    return getattr(importlib.import_module(f"crmcli.models.{module}"), name)


def load_all() -> Any:
    """Import every table and return the metadata that holds them."""
    for module in MODULES:
        importlib.import_module(f"crmcli.models.{module}")
    from crmcli.models.base import metadata

    return metadata


__all__ = [
    "AuditEntry",
    "CallEntry",
    "CallList",
    "CodeCounter",
    "Competitor",
    "Contact",
    "Contract",
    "CustomField",
    "Customer",
    "Followup",
    "ImportBatch",
    "Interaction",
    "Opportunity",
    "OrderLine",
    "PaymentPlan",
    "Product",
    "Receipt",
    "SalesOrder",
    "Setting",
    "StageChange",
    "Supplier",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "Ticket",
    "TicketEvent",
    "User",
    "load_all",
]
