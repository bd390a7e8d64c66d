"""Synthetic Prakerja dashboard screenshots, rendered with Pillow, for the OCR tests and
bench/screenshots.py.

The layout follows what public descriptions show of the participant's dashboard (FACTS-2 §1,
kompas.com, mediamagelang.pikiran-rakyat.com pr-1431412084, tribunnews.com 2022/05/03): the
card number and the training balance ("Saldo Pelatihan") at the top, tabs, then the incentive
schedule ("Status Pembayaran Insentif" / "Riwayat Pembayaran"): one row per payment
("Insentif Pelatihan 1", its amount, its date, its status), the survey incentives below;
a red banner when a payment failed; the certificate on its own tab; the selection result on
the home page. Every screen is phone-sized and varies in font, scale, JPEG quality, blur,
small rotations and dark mode; some are photos of a screen (perspective, moiré, glare).

Nothing here is a real person's data: the NIK, card and phone numbers are random digits.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)
_BOLD = {
    "DejaVuSans.ttf": "DejaVuSans-Bold.ttf",
    "LiberationSans-Regular.ttf": "LiberationSans-Bold.ttf",
    "Roboto-Regular.ttf": "Roboto-Bold.ttf",
    "OpenSans-Regular.ttf": "OpenSans-Bold.ttf",
    "NotoSans-Regular.ttf": "NotoSans-Bold.ttf",
}

# Dashboard labels -> the meaning in bot/data/nlu/topics.toml.
INCENTIVE_STATUSES = {
    "Gagal": "failed",
    "Dalam Pengecekan": "checking",
    "Belum Diproses": "not_processed",
    "Dana Tertahan": "held",
    "Dijadwalkan": "scheduled",
    "Sedang Diproses": "processing",
    "Menunggu Diproses": "waiting_training",
}
SELECTION_STATUSES = {
    "Kamu Belum Berhasil": "not_selected",
    "Menunggu Gelombang Ditutup": "selection_processing",
    "Gelombang Tidak Ditemukan": "no_wave",
}
_CHIP = {
    "failed": (211, 47, 47),
    "checking": (239, 108, 0),
    "not_processed": (96, 96, 96),
    "held": (198, 40, 40),
    "scheduled": (46, 125, 50),
    "processing": (21, 101, 192),
    "waiting_training": (96, 96, 96),
}
MONTHS = [
    *("Januari", "Februari", "Maret", "April", "Mei", "Juni"),
    *("Juli", "Agustus", "September", "Oktober", "November", "Desember"),
]


NAMES = ("Budi Santoso", "Siti Rahmawati", "Agus Salim")


def fonts() -> list[str]:
    """The fonts installed here (DejaVu and Liberation at least; Roboto, Open Sans, Noto when
    their Debian packages are installed)."""
    return [f for f in FONT_FILES if Path(f).exists()]


@dataclass(frozen=True)
class Row:
    """One payment row: "Insentif Pelatihan 1 · Rp600.000 · 15 Juni 2021 · Gagal"."""

    kind: str  # "Pelatihan" or "Survei"
    number: int
    amount: str
    date: str
    status: str  # the label as the dashboard shows it


@dataclass(frozen=True)
class Screen:
    """What one screenshot shows, and how it is drawn."""

    page: str  # "incentives", "certificate", "selection"
    rows: tuple[Row, ...] = ()
    balance: str | None = None
    card_number: str | None = None
    nik: str | None = None
    name: str | None = None
    phone: str | None = None
    banner: str | None = None
    selection: str | None = None
    font: str = FONT_FILES[0]
    width: int = 720
    dark: bool = False
    quality: int | None = 85  # JPEG quality; None: PNG
    blur: float = 0.0
    rotate: float = 0.0
    photo: bool = False  # a photo of a screen: perspective, moiré, glare
    seed: int = 0

    @property
    def expected(self) -> tuple[tuple[str, int, str], ...]:
        """(row kind, number, meaning) of every status the screen shows, top to bottom."""
        if self.page == "selection" and self.selection:
            return (("Seleksi", 0, SELECTION_STATUSES[self.selection]),)
        return tuple((r.kind, r.number, INCENTIVE_STATUSES[r.status]) for r in self.rows)


@dataclass
class _Pen:
    draw: ImageDraw.ImageDraw
    font_file: str
    scale: float
    dark: bool
    y: float = 0.0
    cache: dict[tuple[int, bool], ImageFont.FreeTypeFont] = field(default_factory=dict)

    def font(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (size, bold)
        if key not in self.cache:
            path = self.font_file
            name = Path(path).name
            if bold and name in _BOLD and Path(path).with_name(_BOLD[name]).exists():
                path = str(Path(path).with_name(_BOLD[name]))
            self.cache[key] = ImageFont.truetype(path, max(8, round(size * self.scale)))
        return self.cache[key]

    @property
    def ink(self) -> tuple[int, int, int]:
        return (230, 230, 230) if self.dark else (33, 33, 33)

    @property
    def muted(self) -> tuple[int, int, int]:
        return (160, 160, 160) if self.dark else (110, 110, 110)

    def text(
        self,
        x: float,
        words: str,
        size: int,
        *,
        bold: bool = False,
        fill: tuple[int, int, int] | None = None,
        right: float | None = None,
        y: float | None = None,
    ) -> None:
        font = self.font(size, bold)
        at_y = self.y if y is None else y
        if right is not None:
            x = right - self.draw.textlength(words, font=font)
        self.draw.text((x * 1.0, at_y), words, font=font, fill=fill or self.ink)

    def down(self, points: float) -> None:
        self.y += points * self.scale


def _draw(screen: Screen) -> Image.Image:
    scale = screen.width / 360
    height = round(screen.width * 2.05)
    back = (18, 18, 18) if screen.dark else (255, 255, 255)
    image = Image.new("RGB", (screen.width, height), back)
    pen = _Pen(ImageDraw.Draw(image), screen.font, scale, screen.dark)
    left, right = 16 * scale, screen.width - 16 * scale
    pen.y = 6 * scale
    pen.text(left, "09:41", 11, fill=pen.muted)
    pen.text(0, "4G  87%", 11, fill=pen.muted, right=right)
    pen.down(28)
    pen.text(left, "Kartu Prakerja", 18, bold=True, fill=(25, 118, 210))
    pen.down(34)
    if screen.card_number or screen.balance:
        panel = (33, 60, 120) if screen.dark else (227, 242, 253)
        box = (left - 4 * scale, pen.y - 6 * scale, right + 4 * scale, pen.y + 92 * scale)
        pen.draw.rounded_rectangle(box, radius=round(10 * scale), fill=panel)
        if screen.card_number:
            pen.text(left + 6 * scale, "Nomor Kartu Prakerja", 11, fill=pen.muted)
            pen.down(16)
            grouped = " ".join(screen.card_number[i : i + 4] for i in range(0, 16, 4))
            pen.text(left + 6 * scale, grouped, 15, bold=True)
            pen.down(28)
        if screen.balance:
            pen.text(left + 6 * scale, "Saldo Pelatihan", 11, fill=pen.muted)
            pen.down(16)
            pen.text(left + 6 * scale, screen.balance, 15, bold=True)
        pen.y = box[3] + 14 * scale
    if screen.name or screen.nik:
        if screen.name:
            pen.text(left, f"Nama Lengkap: {screen.name}", 12)
            pen.down(20)
        if screen.nik:
            pen.text(left, f"NIK: {screen.nik}", 12)
            pen.down(20)
        pen.down(6)
    tabs = ("Beranda", "Pelatihan", "Insentif", "Sertifikat")
    active = {"incentives": "Insentif", "certificate": "Sertifikat"}.get(screen.page, "Beranda")
    x = left
    for tab in tabs:
        font = pen.font(12, tab == active)
        pen.text(x, tab, 12, bold=tab == active, fill=pen.ink if tab == active else pen.muted)
        if tab == active:
            width = pen.draw.textlength(tab, font=font)
            line_y = pen.y + 18 * scale
            pen.draw.line((x, line_y, x + width, line_y), fill=(25, 118, 210), width=3)
        x += pen.draw.textlength(tab, font=font) + 18 * scale
    pen.down(36)
    if screen.banner:
        banner_back = (90, 20, 20) if screen.dark else (255, 235, 238)
        box = (left - 4 * scale, pen.y - 6 * scale, right + 4 * scale, pen.y + 40 * scale)
        pen.draw.rounded_rectangle(box, radius=round(6 * scale), fill=banner_back)
        pen.text(left + 4 * scale, screen.banner, 12, bold=True, fill=(198, 40, 40))
        pen.down(52)
    if screen.page == "incentives":
        _incentives(pen, screen, left, right)
    elif screen.page == "certificate":
        pen.text(left, "Sertifikat Pelatihan", 15, bold=True)
        pen.down(26)
        pen.text(left, "Belajar Microsoft Excel untuk Pemula", 12)
        pen.down(20)
        pen.text(left, "Sertifikat sudah terbit · 12 Mei 2021", 12, fill=pen.muted)
        pen.down(26)
        pen.text(left, "Lihat Sertifikat", 13, bold=True, fill=(25, 118, 210))
    elif screen.page == "selection" and screen.selection:
        pen.text(left, "Status Gelombang 22", 14, bold=True)
        pen.down(24)
        pen.text(left, screen.selection, 14, bold=True, fill=(198, 40, 40))
        pen.down(24)
        pen.text(left, "Lihat alasannya di Riwayat Gelombang", 12, fill=pen.muted)
    return image


def _incentives(pen: _Pen, screen: Screen, left: float, right: float) -> None:
    scale = pen.scale
    heading = "Status Pembayaran Insentif" if screen.seed % 2 else "Riwayat Pembayaran"
    pen.text(left, heading, 15, bold=True)
    pen.down(30)
    if screen.phone:
        pen.text(left, f"Rekening: OVO {screen.phone}", 12, fill=pen.muted)
        pen.down(24)
    for row in screen.rows:
        card = (40, 40, 40) if screen.dark else (245, 245, 245)
        box = (left - 4 * scale, pen.y - 6 * scale, right + 4 * scale, pen.y + 46 * scale)
        pen.draw.rounded_rectangle(box, radius=round(8 * scale), fill=card)
        pen.text(left + 4 * scale, f"Insentif {row.kind} {row.number}", 13, bold=True)
        colour = _CHIP[INCENTIVE_STATUSES[row.status]]
        pen.text(0, row.status, 12, bold=True, fill=colour, right=right - 2 * scale)
        pen.down(20)
        pen.text(left + 4 * scale, f"{row.amount}  ·  {row.date}", 12, fill=pen.muted)
        pen.down(40)


def _moire(image: Image.Image, rng: random.Random) -> Image.Image:
    """Interference bands of a camera's sensor against the screen's pixel grid."""
    width, height = image.size
    period = rng.uniform(3.0, 6.0)
    angle = rng.uniform(-0.3, 0.3)
    small = Image.new("L", (width // 4 + 1, height // 4 + 1))
    pixels = small.load()
    assert pixels is not None
    for y in range(small.size[1]):
        for x in range(small.size[0]):
            phase = (x * math.cos(angle) + y * math.sin(angle)) * 4 / period
            pixels[x, y] = int(235 + 20 * math.sin(phase))
    bands = small.resize((width, height), Image.Resampling.BILINEAR)
    return Image.composite(image, Image.new("RGB", image.size, (0, 0, 0)), bands)


def _photo(image: Image.Image, rng: random.Random) -> Image.Image:
    """The screen photographed: a border, a slight perspective, moiré, a glare, softness."""
    width, height = image.size
    pad = width // 12
    canvas = Image.new("RGB", (width + 2 * pad, height + 2 * pad), (25, 25, 28))
    canvas.paste(_moire(image, rng), (pad, pad))
    w, h = canvas.size
    d = [rng.uniform(0.0, 0.035) * w for _ in range(8)]
    # The four corners of the source that map onto the output's corners.
    quad = (d[0], d[1], d[2], h - d[3], w - d[4], h - d[5], w - d[6], d[7])
    canvas = canvas.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    glare = Image.new("L", (w, h), 0)
    ImageDraw.Draw(glare).ellipse(
        (w * rng.uniform(0.1, 0.6), h * rng.uniform(0.1, 0.6), w * 0.9, h * 0.8), fill=40
    )
    glare = glare.filter(ImageFilter.GaussianBlur(w // 8))
    canvas = Image.composite(Image.new("RGB", (w, h), (255, 255, 255)), canvas, glare)
    return canvas.filter(ImageFilter.GaussianBlur(0.8))


def render(screen: Screen) -> bytes:
    """The screenshot as the participant would send it (JPEG, or PNG when quality is None)."""
    rng = random.Random(screen.seed)
    image = _draw(screen)
    if screen.photo:
        image = _photo(image, rng)
    if screen.rotate:
        fill = (18, 18, 18) if screen.dark else (255, 255, 255)
        image = image.rotate(screen.rotate, Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    if screen.blur:
        image = image.filter(ImageFilter.GaussianBlur(screen.blur))
    out = io.BytesIO()
    if screen.quality is None:
        image.save(out, "PNG")
    else:
        image.save(out, "JPEG", quality=screen.quality)
    return out.getvalue()


def _digits(rng: random.Random, count: int, first: str = "") -> str:
    return first + "".join(rng.choice("0123456789") for _ in range(count - len(first)))


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.choice((2020, 2021, 2022))}"


def make_screen(seed: int) -> Screen:
    """One varied screen, the same for the same seed."""
    rng = random.Random(seed)
    available = fonts()
    page = rng.choices(("incentives", "certificate", "selection"), (14, 1, 2))[0]
    rows: list[Row] = []
    if page == "incentives":
        labels = list(INCENTIVE_STATUSES)
        for number in range(1, rng.randint(1, 4) + 1):
            rows.append(Row("Pelatihan", number, "Rp600.000", _date(rng), rng.choice(labels)))
        if rng.random() < 0.3:
            rows.append(Row("Survei", 1, "Rp50.000", _date(rng), rng.choice(labels)))
    failed = any(r.status == "Gagal" for r in rows)
    photo = rng.random() < 0.15
    return Screen(
        page=page,
        rows=tuple(rows),
        balance=rng.choice(("Rp1.000.000", "Rp150.000", "Rp0")) if rng.random() < 0.7 else None,
        card_number=_digits(rng, 16, "52") if rng.random() < 0.6 else None,
        nik=_digits(rng, 16, "32") if rng.random() < 0.2 else None,
        name=rng.choice(NAMES) if rng.random() < 0.2 else None,
        phone=f"0812{_digits(rng, 8)}" if rng.random() < 0.2 else None,
        banner="Insentif Anda gagal dicairkan" if failed and rng.random() < 0.5 else None,
        selection=rng.choice(list(SELECTION_STATUSES)) if page == "selection" else None,
        font=rng.choice(available),
        width=rng.choice((540, 720, 720, 1080)),
        dark=rng.random() < 0.25,
        quality=None if rng.random() < 0.2 else rng.choice((55, 70, 85, 95)),
        blur=0.0 if photo or rng.random() < 0.6 else rng.uniform(0.3, 1.0),
        rotate=0.0 if rng.random() < 0.6 else rng.uniform(-3.0, 3.0),
        photo=photo,
        seed=seed,
    )


def corpus(count: int, start: int = 0) -> list[Screen]:
    """`count` screens (seeds start, start+1, ...): the bench takes 150+, the tests ~20."""
    return [make_screen(seed) for seed in range(start, start + count)]
