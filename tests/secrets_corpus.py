"""The secrets corpus (tests/data/secrets_corpus.tsv): messages with and without secrets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.safety import Secret

CORPUS = Path(__file__).parent / "data" / "secrets_corpus.tsv"

# A label of the corpus -> the kind the detector reports and the warning's name for it in
# Indonesian and in English (a message in English is answered in English).
LABELS: dict[str, tuple[Secret, str, str]] = {
    "otp": (Secret.OTP, "kode OTP", "OTP code"),
    "pin": (Secret.PIN, "PIN", "PIN"),
    "password": (Secret.PASSWORD, "password", "password"),
    "cvv": (Secret.CVV, "kode CVV", "CVV code"),
    "nik": (Secret.IDENTITY, "NIK", "NIK"),
    "kk": (Secret.IDENTITY, "nomor KK", "KK number"),
    "card": (Secret.IDENTITY, "nomor kartu bank", "bank card number"),
    "prakerja_card": (Secret.IDENTITY, "nomor Kartu Prakerja", "Kartu Prakerja card number"),
    "identity": (Secret.IDENTITY, "NIK, nomor KK, atau nomor kartu", "NIK, KK or card number"),
    "account": (Secret.ACCOUNT, "nomor rekening bank", "bank account number"),
}


@dataclass(frozen=True)
class Line:
    labels: tuple[str, ...]
    values: tuple[str, ...]  # what must never be kept or repeated
    text: str

    @property
    def kinds(self) -> set[Secret]:
        return {LABELS[label][0] for label in self.labels}

    @property
    def names(self) -> list[str]:
        return [LABELS[label][1] for label in self.labels]

    @property
    def names_en(self) -> list[str]:
        return [LABELS[label][2] for label in self.labels]


def load() -> list[Line]:
    lines = []
    for raw in CORPUS.read_text("utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        labels, values, text = raw.split("\t")
        lines.append(
            Line(
                tuple(labels.split(",")) if labels != "-" else (),
                tuple(values.split(" | ")) if values != "-" else (),
                text,
            )
        )
    return lines


SECRETS = [line for line in load() if line.labels]
HARMLESS = [line for line in load() if not line.labels]
