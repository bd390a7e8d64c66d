"""Pushed incentive updates (outbox kind "incentive"): a status change an operator fed in, and
the surveys once the first incentive is paid."""

from __future__ import annotations

from datetime import date, datetime

from bot.conversation.context import Context
from bot.core.benefits import Item, Status
from bot.core.domain import Participant, Reply
from bot.core.outbound import Template
from bot.incentives.tracker import NOTICE_KIND
from handlers.common import official_help
from handlers.incentives import item_name, reason_text
from handlers.notices import Notice, Payload


def _item(payload: Payload) -> Item:
    day = payload.get("date")
    return Item(
        key=str(payload["item"]),
        kind=str(payload["kind"]),
        index=int(payload["index"]),
        amount=int(payload["amount"]),
        status=Status(payload["status"]),
        status_on=date.fromisoformat(day) if day else None,
        partner=payload.get("partner"),
        reason=payload.get("reason"),
        note=payload.get("note"),
    )


def _status(ctx: Context, payload: Payload) -> list[Reply]:
    t, timings = ctx.t, ctx.program.timings
    item = _item(payload)
    fields = {"item": item_name(t, item), "amount": t.money(item.amount)}
    day = t.short_date(item.status_on) if item.status_on else "-"
    if item.status == Status.PAID:
        if payload.get("partner_kind") == "bank":
            text = t._("{item} of {amount} has been transferred to your bank account on {date}.")
        else:
            text = t._("{item} of {amount} has been transferred to your e-wallet on {date}.")
        text = text.format(date=day, **fields)
        if item.partner:
            text += f" ({item.partner})"
        return [Reply("✅ " + text)]
    if item.status == Status.FAILED:
        text = t._("{item} could not be transferred: {reason}").format(
            item=fields["item"], reason=reason_text(t, item)
        )
        replies = [Reply("❌ " + text)]
        if item.partner and payload.get("customer_service"):
            replies.append(
                Reply(
                    t._("{partner} customer service: {phone}").format(
                        partner=item.partner, phone=payload["customer_service"]
                    )
                )
            )
        else:
            replies.append(Reply(official_help(ctx)))
        return replies
    later = {
        "min": timings.transfer_working_days_min,
        "max": timings.transfer_working_days_max,
    }
    if item.status == Status.PROCESSING:
        text = t._(
            "{item} of {amount} is being transferred (scheduled {date}). It usually arrives "
            "{min}–{max} working days after the scheduled date."
        )
    else:
        text = t._(
            "{item} of {amount} is scheduled for {date}. The money usually arrives {min}–{max} "
            "working days later."
        )
    return [Reply("🕓 " + text.format(date=day, **fields, **later))]


def _surveys(ctx: Context, payload: Payload) -> list[Reply]:
    t, count = ctx.t, int(payload["count"])
    amount = t.money(int(payload["amount"]))
    text = t.ngettext(
        "Next: {n} survey of {amount}. Its link appears in your dashboard; your answers don't "
        "affect payment.",
        "Next: {n} surveys of {amount} each. Their links appear in your dashboard; your answers "
        "don't affect payment.",
        count,
    ).format(n=count, amount=amount)
    replies = [Reply("📝 " + text)]
    if payload.get("deadline"):
        deadline = t.short_date(date.fromisoformat(payload["deadline"]))
        replies.append(Reply(t._("Fill them in by {date}.").format(date=deadline)))
    return replies


def render(ctx: Context, payload: Payload) -> list[Reply]:
    """The wording of an incentive update in the participant's language and zone."""
    if payload.get("topic") == "surveys":
        return _surveys(ctx, payload)
    return _status(ctx, payload)


def applies(participant: Participant, payload: Payload, now: datetime) -> bool:
    """Status news always applies; the survey note only until the survey deadline."""
    if payload.get("topic") == "surveys" and payload.get("deadline"):
        return now.date() <= date.fromisoformat(payload["deadline"])
    return True


TEMPLATE = "prakerja_incentive_update"
TEMPLATE_TEXT_MAX = 800  # {{1}} stays well under a template body's 1,024 characters


def template(ctx: Context, payload: Payload) -> Template:
    """The pre-approved WhatsApp template: {{1}} is the update's text (its first message)."""
    text = " ".join(r.text for r in render(ctx, payload)[:1])
    if len(text) > TEMPLATE_TEXT_MAX:
        text = text[: TEMPLATE_TEXT_MAX - 1].rstrip() + "…"
    return Template(TEMPLATE, (text,))


NOTICES = {NOTICE_KIND: Notice(render=render, applies=applies, template=template)}
