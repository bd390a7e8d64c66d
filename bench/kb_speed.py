"""The entry search's speed and memory as the bot runs it: the models of both locales loaded
from the cache folder (trained first if needed), then long and short posts searched on one
core. Usage: python bench/kb_speed.py [--seconds 3]  (`make bench-kb`)."""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time

from bot.nlu import classifier

LONG = [
    "Assalamualaikum kak. saya peserta gel 22. udah beli pelatihan tapi insentif belum masuk "
    "juga sampai sekarang padahal sertifikat sudah keluar, rating juga sudah. sudah sebulan "
    "lebih. ada yg sama? mohon pencerahannya",
    "Selamat siang, mau tanya. Saya sudah sambungkan OVO tapi statusnya gagal terus, padahal "
    "OVO saya sudah premium dan NIK sama. Harus lapor kemana ya? Terima kasih",
    "min akun prakerja saya tiba2 diblokir, padahal sy ga pernah ngapa2in. udah kirim email "
    "tapi cuma dibales otomatis. gimana caranya biar aktif lagi? capek bgt",
]
SHORT = ["otp ga masuk2", "sertifikat blm muncul", "cara daftar prakerja", "kode voucher salah"]


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    for locale in ("id", "en"):
        classifier(locale)  # the intent classifier is there anyway: not counted
    gc.collect()
    before = _rss_mib()
    from bot.knowledge import Retriever
    from bot.knowledge.entries import read_unchecked, shipped_root

    started = time.perf_counter()
    models = {locale: Retriever(kb) for locale, kb in read_unchecked(shipped_root()).items()}
    ready = time.perf_counter() - started
    gc.collect()
    print(
        f"both locales ready in {ready:.1f} s; +{_rss_mib() - before:.0f} MiB RSS "
        f"(scikit-learn loaded: {'sklearn' in sys.modules})"
    )
    model = models["id"]
    for name, posts in (("long posts", LONG), ("short posts", SHORT)):
        for post in posts:
            model.search(post)
        count, started = 0, time.process_time()
        while time.process_time() - started < args.seconds:
            for post in posts:
                model.search(post)
                count += 1
        rate = count / (time.process_time() - started)
        target = " (target >= 500/s)" if name == "long posts" else ""
        print(f"{name}: {rate:,.0f}/s on one core{target}")


if __name__ == "__main__":
    main()
