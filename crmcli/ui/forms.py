"""The forms: log a contact, mark a follow-up done, add a customer, give a lost reason.

Each is a modal screen calling the service its command calls (``crm log``, ``crm
followup done``, ``crm customer add``); it closes with what was saved (None if
cancelled), and a refusal or a bad value is shown and leaves the form open.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from crmcli.errors import CrmError
from crmcli.i18n import pick, t
from crmcli.ui.keys import localise
from crmcli.ui.session import message
from crmcli.vocab import CHANNEL, CUSTOMER, LEVEL


class Form(ModalScreen[Any]):
    """A dialog with fields, Save and Cancel; ``save`` does the work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise(self)

    def heading(self) -> str:
        raise NotImplementedError

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.heading(), classes="form-title")
            yield from self.fields()
            with Horizontal(classes="buttons"):
                yield Button(pick("Save", "保存"), variant="primary", id="save")
                yield Button(pick("Cancel", "取消"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        try:
            result = self.save()
        except CrmError as e:
            self.notify(message(e), severity="error")
            return
        self.dismiss(result)

    def save(self) -> Any:
        raise NotImplementedError

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def choice(self, widget_id: str) -> str | None:
        select = self.query_one(f"#{widget_id}", Select)
        return None if select.is_blank() else str(select.value)


def _choices(vocab: Any) -> list[tuple[str, str]]:
    return [(vocab.label(key), key) for key in vocab.keys]


class LogContact(Form):
    """接触记录: a call, visit, e-mail ... with a customer (``crm log``)."""

    def __init__(self, customer: str) -> None:
        super().__init__()
        self.customer = customer

    def heading(self) -> str:
        return pick(f"Log a contact with {self.customer}", f"记录与 {self.customer} 的接触")

    def fields(self) -> ComposeResult:
        yield Select(_choices(CHANNEL), value="phone", allow_blank=False, id="channel")
        yield Input(placeholder=pick("What was said", "内容"), id="summary")
        yield Input(placeholder=pick("Outcome (optional)", "结果（可不填）"), id="result")

    def save(self) -> Any:
        from crmcli.services.relationship import contact_log

        with self.app.session.unit(write=True) as ctx:
            logged = contact_log.log(
                ctx,
                customer=self.customer,
                channel=self.choice("channel") or "phone",
                summary=self.value("summary"),
                result=self.value("result") or None,
            )
            c = logged.customer
            text = t("Logged a contact with {code} {name}", code=c.code, name=c.name)
        self.notify(text)
        return logged.interaction.id


class FollowupDone(Form):
    """Mark a touch done (``crm followup done``): the contact is logged and a cadence's
    next step planned."""

    def __init__(self, followup_id: int, note: str | None = None) -> None:
        super().__init__()
        self.followup_id = followup_id
        self.note = note

    def heading(self) -> str:
        head = pick(f"Follow-up {self.followup_id} done", f"完成跟进 {self.followup_id}")
        return f"{head}: {self.note}" if self.note else head

    def fields(self) -> ComposeResult:
        yield Select(
            _choices(CHANNEL), prompt=pick("Channel (from the kind)", "方式"), id="channel"
        )
        yield Input(placeholder=pick("What was said (default: the note)", "内容"), id="summary")
        yield Input(placeholder=pick("Outcome (optional)", "结果（可不填）"), id="result")

    def save(self) -> Any:
        from crmcli.services.relationship import followups

        with self.app.session.unit(write=True) as ctx:
            done = followups.done(
                ctx,
                str(self.followup_id),
                summary=self.value("summary") or None,
                result=self.value("result") or None,
                channel=self.choice("channel"),
            )
            text = t("Follow-up {id} done", id=done.followup.id)
            if done.planned is not None:
                due = done.planned.due_at.strftime("%Y-%m-%d")
                text += "; " + t("next touch on {due}", due=due)
        self.notify(text)
        return done.followup.id


class AddCustomer(Form):
    """客户信息录入 (``crm customer add``): the name and the few fields a call gives."""

    FIELDS = ("phone", "city", "industry")

    def heading(self) -> str:
        return pick("Add a customer", "新增客户")

    def fields(self) -> ComposeResult:
        yield Input(placeholder=CUSTOMER["name"].label, id="name")
        for name in self.FIELDS:
            yield Input(placeholder=CUSTOMER[name].label, id=name)
        yield Select(_choices(LEVEL), value="regular", allow_blank=False, id="level")

    def save(self) -> Any:
        from crmcli.services.archive import customers
        from crmcli.validate import parse_field

        values = {n: parse_field(CUSTOMER[n], self.value(n)) for n in self.FIELDS if self.value(n)}
        values["level"] = self.choice("level") or "regular"
        with self.app.session.unit(write=True) as ctx:
            saved = customers.add(ctx, name=self.value("name"), values=values)
            code, name = saved.customer.code, saved.customer.name
        for warning in saved.warnings:
            self.notify(warning, severity="warning")
        self.notify(t("Added customer {code} {name}", code=code, name=name))
        return code


class LostReason(Form):
    """Why an opportunity was lost (输单原因): asked before it moves to lost."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def heading(self) -> str:
        return pick(f"Why was {self.code} lost?", f"{self.code} 输单原因")

    def fields(self) -> ComposeResult:
        yield Input(placeholder=pick("Reason", "原因"), id="reason")

    def save(self) -> Any:
        from crmcli.errors import Invalid

        reason = self.value("reason")
        if not reason:
            raise Invalid(pick("a reason is required", "请填写原因"))
        return reason
