"""Benefit items as values: statuses, failure reasons, sources, an item and a push.

Shared by the incentive tracker (its rules) and the store (which keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.core.i18n import N_


class Status(StrEnum):
    """Where one benefit item stands."""

    NOT_ELIGIBLE = "not_eligible"  # belum memenuhi syarat
    WAITING = "waiting"  # menunggu jadwal (with the scheduled date once known)
    PROCESSING = "processing"  # diproses: the transfer is under way
    PAID = "paid"  # sudah ditransfer (date + partner)
    FAILED = "failed"  # gagal (reason)


STATUS_LABELS: dict[Status, str] = {
    Status.NOT_ELIGIBLE: N_("prerequisites missing"),
    Status.WAITING: N_("waiting for the schedule"),
    Status.PROCESSING: N_("being processed"),
    Status.PAID: N_("transferred"),
    Status.FAILED: N_("failed"),
}

# The training fund is never transferred (FACTS.md): it is available in the dashboard from the
# start and spent by buying the first training, so `waiting` and `paid` read differently for
# it, in the participant's /status (handlers/incentives.py) and on the console alike.
FUND_STATUS_LABELS: dict[Status, str] = {
    Status.WAITING: N_("available in the dashboard"),
    Status.PAID: N_("used for the first training"),
}


def status_label(kind: str, status: Status) -> str:
    """The (untranslated) words for an item's status: the training fund's own where it has them."""
    if kind == "training_fund" and status in FUND_STATUS_LABELS:
        return FUND_STATUS_LABELS[status]
    return STATUS_LABELS[status]


# What an operator may write in the status column (codes, and the dashboard's own words).
STATUS_ALIASES: dict[str, Status] = {
    **{s.value: s for s in Status},
    "belum memenuhi syarat": Status.NOT_ELIGIBLE,
    "menunggu jadwal": Status.WAITING,
    "menunggu diproses": Status.WAITING,
    "diproses": Status.PROCESSING,
    "sedang diproses": Status.PROCESSING,
    "sudah ditransfer": Status.PAID,
    "ditransfer": Status.PAID,
    "gagal": Status.FAILED,
}


class Reason(StrEnum):
    """Why a transfer failed (FACTS.md: common reasons linking or payment fails)."""

    NIK_MISMATCH = "nik_mismatch"
    NOT_PREMIUM = "not_premium"
    PHONE_NOT_REGISTERED = "phone_not_registered"
    WRONG_ACCOUNT = "wrong_account"
    INACTIVE_ACCOUNT = "inactive_account"
    NO_REVIEW = "no_review"


# (what went wrong, how to fix it)
REASONS: dict[Reason, tuple[str, str]] = {
    Reason.NIK_MISMATCH: (
        N_("The NIK on the bank account or e-wallet differs from your Prakerja NIK."),
        N_("Link an account or e-wallet in your own name."),
    ),
    Reason.NOT_PREMIUM: (
        N_("Your e-wallet is not premium/verified yet."),
        N_("Upgrade it to premium in the e-wallet app (KTP photo and selfie)."),
    ),
    Reason.PHONE_NOT_REGISTERED: (
        N_("Your Prakerja phone number is not registered with the e-wallet."),
        N_("Use an e-wallet registered with your Prakerja phone number."),
    ),
    Reason.WRONG_ACCOUNT: (
        N_("The account number is wrong."),
        N_("Link the account again in the dashboard (“Ubah” → “Ya, Putuskan Rekening”)."),
    ),
    Reason.INACTIVE_ACCOUNT: (
        N_("The account is inactive."),
        N_("Reactivate it with your bank or e-wallet, or link another account."),
    ),
    Reason.NO_REVIEW: (
        N_("No rating and review has been given yet."),
        N_("Give your training a rating and review in the dashboard."),
    ),
}

# The prerequisites of the incentive, in the program's order (FACTS.md), and the progress item
# that says how the training went before the certificate (used for the certificate's timing).
PREREQUISITES: tuple[str, ...] = ("purchase", "certificate", "review", "linking")
FINISHED = "finished"


class Source(StrEnum):
    PARTICIPANT = "participant"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Item:
    """One benefit item of a participant (e.g. "incentive.2") and where it stands."""

    key: str
    kind: str
    index: int
    amount: int
    status: Status
    status_on: date | None = None
    partner: str | None = None
    reason: str | None = None
    note: str | None = None

    def same_state(self, other: Item) -> bool:
        return (self.status, self.status_on, self.partner, self.reason, self.note) == (
            other.status,
            other.status_on,
            other.partner,
            other.reason,
            other.note,
        )


@dataclass(frozen=True)
class Push:
    """An outbox row to add with a change: its payload and idempotency key."""

    payload: dict[str, Any]
    key: str
