"""Words for the internal values the console shows (benefit items, statuses, outbox kinds and
states, zones, handoff states, audit actions and details, topics), in the operator's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.benefits import STATUS_LABELS, Item, Status, status_label
from bot.core.i18n import N_, Translator
from bot.core.program import Program
from bot.core.zones import zone_label
from handlers.freetext import TOPICS
from handlers.incentives import item_name

OUTBOX_KINDS = {
    "reminder.passed": N_("Deadline passed notice"),
    "reminder": N_("Deadline reminder"),
    "broadcast": N_("Broadcast"),
    "handoff": N_("Handoff message"),
    "reply": N_("Late answer"),
    "incentive": N_("Incentive update"),
    "satisfaction": N_("Satisfaction question"),
}
OUTBOX_STATES = {
    "pending": N_("waiting to be sent"),
    "sending": N_("being sent"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}
HANDOFF_STATES = {
    "open": N_("waiting for a person"),
    "taken": N_("taken"),
    "closed": N_("closed"),
}
AUDIT_ACTIONS = {
    "login": N_("logged in"),
    "login_wrong": N_("failed login"),
    "login_locked": N_("failed login (locked)"),
    "login_code": N_("failed login (wrong authenticator code)"),
    "login_throttled": N_("login refused: too many failures from there"),
    "refused_csrf": N_("refused: form without a valid token"),
    "refused_admin_page": N_("refused: admin page"),
    "totp_on": N_("turned the authenticator on"),
    "totp_off": N_("turned the authenticator off"),
    "handoff_note": N_("wrote an internal note"),
    "handoff_assign": N_("assigned handoffs"),
    "saved_reply_add": N_("added a saved reply"),
    "shift": N_("changed their shift"),
    "retention_purge": N_("deleted old data (retention)"),
    "delivery_export": N_("exported delivery counts"),
    "logout": N_("logged out"),
    "participant_view": N_("viewed a participant"),
    "participant_search": N_("searched participants"),
    "participants_export": N_("exported participants"),
    "broadcast_create": N_("sent a broadcast"),
    "broadcast_cancel": N_("cancelled a broadcast"),
    "import_dry_run": N_("checked an import"),
    "import_apply": N_("applied an import"),
    "handoff_view": N_("viewed a handoff"),
    "handoff_take": N_("took a handoff"),
    "handoff_reply": N_("replied to a handoff"),
    "handoff_close": N_("closed a handoff"),
    "unknown_label": N_("marked a topic"),
    "kb_attach": N_("attached an example to an entry"),
    "kb_remove": N_("removed an example"),
    "kb_reload": N_("reloaded the models"),
    "operator_add": N_("added an operator"),
    "operator_password": N_("changed an operator's password"),
    "operator_remove": N_("removed an operator"),
}
DETAIL_KEYS = {
    "broadcast": N_("broadcast"),
    "recipients": N_("recipients"),
    "notice": N_("program notice"),
    "cancelled": N_("cancelled"),
    "rows": N_("rows"),
    "applied": N_("applied"),
    "unchanged": N_("unchanged"),
    "unmatched": N_("unmatched"),
    "bad": N_("bad"),
    "handoff": N_("handoff"),
    "message": N_("message"),
    "intent": N_("topic"),
    "entry": N_("entry"),
    "example": N_("example"),
    "version": N_("version"),
    "found": N_("found"),
    "name": N_("name"),
    "role": N_("role"),
    "segment": N_("segment"),
    "from": N_("from"),
    "path": N_("page"),
    "phone": N_("phone number"),
    "unknown": N_("not understood"),
    "handoffs": N_("handoffs"),
    "participants": N_("participants"),
    "on": N_("on shift"),
    "agent": N_("agent"),
    "days": N_("days"),
}
REASONS = {
    "blocked": N_("blocked the bot or unreachable"),
    "not_on_whatsapp": N_("not on WhatsApp"),
    "template_rejected": N_("template rejected"),
    "rate_limit": N_("rate limit"),
    "other": N_("other error"),
}
SEGMENT_KEYS = {
    "query": N_("search"),
    "wave": N_("wave"),
    "scheme": N_("scheme"),
    "step": N_("step"),
    "zone": N_("zone"),
    "channel": N_("channel"),
    "deadline_days": N_("deadline within (days)"),
    "deadline_passed": N_("deadline passed"),
    "purchased": N_("training bought"),
    "incentive_status": N_("incentive item status"),
}


# The funnel's steps (bot/console/overview.py).
STEP_LABELS = {
    "onboarded": N_("Onboarded"),
    "dashboard": N_("Dashboard checked"),
    "platform": N_("Training platform chosen"),
    "purchase": N_("First training bought"),
    "certificate": N_("Certificate issued"),
    "review": N_("Rating and review given"),
    "linking": N_("Bank account/e-wallet linked"),
    "incentive_paid": N_("First incentive paid"),
}


def _word(t: Translator, table: Mapping[str, str], value: str) -> str:
    return t._(table[value]) if value in table else value


def item(t: Translator, found: Item) -> str:
    """The item's name as the participant's /status shows it (Dana pelatihan, Insentif …)."""
    return item_name(t, found)


def status(t: Translator, value: str) -> str:
    """A status as such (the filter's choices): the incentive's and surveys' words."""
    try:
        return t._(STATUS_LABELS[Status(value)])
    except ValueError:
        return value


def item_status(t: Translator, kind: str, value: str) -> str:
    """An item's status as the participant's /status says it: the training fund is
    "available in the dashboard", then "used for the first training", never "waiting for the
    schedule" or "transferred" (bot/core/benefits.py FUND_STATUS_LABELS)."""
    try:
        return t._(status_label(kind, Status(value)))
    except ValueError:
        return value


def outbox_kind(t: Translator, kind: str) -> str:
    if kind in OUTBOX_KINDS:
        return t._(OUTBOX_KINDS[kind])
    if kind.startswith("reminder"):
        return t._(OUTBOX_KINDS["reminder"])
    return kind


def outbox_state(t: Translator, state: str) -> str:
    return _word(t, OUTBOX_STATES, state)


def handoff_state(t: Translator, state: str) -> str:
    return _word(t, HANDOFF_STATES, state)


def zone(name: str) -> str:
    return zone_label(name)


def topic(t: Translator, intent: str) -> str:
    return _word(t, TOPICS, intent)


def action(t: Translator, name: str) -> str:
    return _word(t, AUDIT_ACTIONS, name)


def _value(t: Translator, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return t._("yes") if value else t._("no")
    if key == "intent":
        return topic(t, str(value))
    if key == "incentive_status":
        return status(t, str(value))
    if key == "zone":
        return zone(str(value))
    if isinstance(value, int):
        return t.number(value)
    return str(value)


def details(t: Translator, detail: Mapping[str, Any]) -> str:
    """An audit entry's details in words: "gelombang 22, sudah beli pelatihan tidak"."""
    parts = []
    for key, value in detail.items():
        if isinstance(value, Mapping):
            inner = details_of_segment(t, value)
            parts.append(f"{_word(t, DETAIL_KEYS, key)}: {inner}")
        else:
            parts.append(f"{_word(t, DETAIL_KEYS, key)} {_value(t, key, value)}")
    return ", ".join(parts)


def details_of_segment(t: Translator, segment: Mapping[str, Any]) -> str:
    if not segment:
        return t._("every participant")
    return ", ".join(f"{_word(t, SEGMENT_KEYS, k)} {_value(t, k, v)}" for k, v in segment.items())


def segment_words(segment: Any, t: Translator, program: Program) -> list[tuple[str, str]]:
    """The segment's filters as (name, value) in words, as the filter form names them; none
    for every participant."""
    from bot.console.segments import LABELS

    found = []
    for key, value in segment.as_dict().items():
        name = "q" if key == "query" else key
        if key == "scheme" and value in program.schemes:
            shown = program.schemes[value].name
        elif key == "step":
            shown = t._(STEP_LABELS.get(value, value))
        else:
            shown = _value(t, key, value)
        found.append((t._(LABELS[name]), shown))
    return found


def helpers(t: Translator) -> dict[str, Any]:
    """The label functions as the templates call them."""
    return {
        "item_label": lambda found: item(t, found),
        "status_label": lambda value: status(t, str(value)),
        "item_status_label": lambda found: item_status(t, found.kind, str(found.status)),
        "kind_label": lambda kind: outbox_kind(t, kind),
        "state_label": lambda state: outbox_state(t, state),
        "handoff_label": lambda state: handoff_state(t, state),
        "zone_label": zone,
        "topic_label": lambda intent: topic(t, intent),
        "action_label": lambda name: action(t, name),
        "details": lambda detail: details(t, detail),
        "reason_label": lambda why: _word(t, REASONS, why),
    }
