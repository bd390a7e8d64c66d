"""Rendering replies within WhatsApp's limits, whatever the text and the options."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.whatsapp.render import (
    BODY_MAX,
    Labels,
    render,
    shorten,
    size,
    split_text,
    template_message,
    template_param,
)
from bot.core.domain import Option, Reply

LABELS = Labels(button="Pilih", more="Pilihan lainnya ({page}/{pages})")


def options(n: int, label: str = "Pilihan {n}") -> tuple[Option, ...]:
    return tuple(Option(f"opt:{i}", label.format(n=i)) for i in range(1, n + 1))


def within_limits(body: dict[str, Any]) -> None:
    """Fails if a message body breaks any documented limit."""
    if body["type"] == "text":
        assert 0 < size(body["text"]["body"]) <= 4096
        return
    interactive = body["interactive"]
    assert 0 < size(interactive["body"]["text"]) <= BODY_MAX
    action = interactive["action"]
    if interactive["type"] == "button":
        buttons = action["buttons"]
        assert 1 <= len(buttons) <= 3
        titles = [b["reply"]["title"] for b in buttons]
        assert all(0 < size(t) <= 20 for t in titles)
        assert len(set(titles)) == len(titles)
    else:
        assert interactive["type"] == "list"
        assert 0 < size(action["button"]) <= 20
        rows = [r for s in action["sections"] for r in s["rows"]]
        assert 1 <= len(rows) <= 10
        assert all(0 < size(r["title"]) <= 24 for r in rows)
        assert all(size(r.get("description", "")) <= 72 for r in rows)
        assert len({r["title"] for r in rows}) == len(rows)
        assert len({r["id"] for r in rows}) == len(rows)


def test_short_text_is_one_message() -> None:
    assert render(Reply("Halo!")) == [
        {"type": "text", "text": {"body": "Halo!", "preview_url": False}}
    ]


def test_long_text_splits_at_paragraphs() -> None:
    paragraphs = [f"Paragraf {i}. " + "kata " * 150 for i in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    bodies = render(Reply(text))
    assert len(bodies) > 1
    for body in bodies:
        within_limits(body)
        assert body["text"]["body"].startswith("Paragraf")  # every piece starts a paragraph
    assert " ".join(b["text"]["body"] for b in bodies).split() == text.split()


def test_text_without_any_boundary_is_cut_hard() -> None:
    pieces = split_text("x" * 10_000)
    assert [len(p) for p in pieces] == [4096, 4096, 1808]


def test_emoji_count_double() -> None:
    pieces = split_text("😀" * 3000)
    assert all(size(p) <= 4096 for p in pieces) and "".join(pieces) == "😀" * 3000


def test_up_to_three_short_options_are_buttons() -> None:
    [body] = render(Reply("Mau lanjut?", options(3)), LABELS)
    within_limits(body)
    assert body["interactive"]["type"] == "button"
    assert [b["reply"] for b in body["interactive"]["action"]["buttons"]] == [
        {"id": "opt:1", "title": "Pilihan 1"},
        {"id": "opt:2", "title": "Pilihan 2"},
        {"id": "opt:3", "title": "Pilihan 3"},
    ]


def test_four_options_are_a_list() -> None:
    [body] = render(Reply("Pilih gelombang:", options(4)), LABELS)
    within_limits(body)
    assert body["interactive"]["type"] == "list"
    assert body["interactive"]["action"]["button"] == "Pilih"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == ["opt:1", "opt:2", "opt:3", "opt:4"]
    assert "description" not in rows[0]  # the title already is the whole label


def test_long_label_becomes_a_list_row_with_the_full_text_in_the_description() -> None:
    label = "Sudah beli pelatihan pertama di Tokopedia"
    [body] = render(Reply("Langkahmu?", (Option("done:buy", label), Option("x", "Belum"))))
    within_limits(body)
    assert body["interactive"]["type"] == "list"
    row = body["interactive"]["action"]["sections"][0]["rows"][0]
    assert row["title"].endswith("…") and size(row["title"]) <= 24
    assert row["description"] == label


def test_very_long_label_is_shortened_everywhere() -> None:
    label = "Sebuah pilihan yang sangat panjang sekali " * 5
    [body] = render(Reply("Pilih", (Option("a", label),)))
    within_limits(body)
    row = body["interactive"]["action"]["sections"][0]["rows"][0]
    assert row["description"].endswith("…")


def test_more_than_ten_options_go_out_as_several_lists() -> None:
    bodies = render(Reply("Pilih platform:", options(23)), LABELS)
    assert len(bodies) == 3
    for body in bodies:
        within_limits(body)
    ids = [r["id"] for b in bodies for r in b["interactive"]["action"]["sections"][0]["rows"]]
    assert ids == [f"opt:{i}" for i in range(1, 24)]
    assert bodies[0]["interactive"]["body"]["text"] == "Pilih platform:"
    assert bodies[1]["interactive"]["body"]["text"] == "Pilihan lainnya (2/3)"


def test_same_shortened_titles_are_made_distinct() -> None:
    opts = options(5, "Pelatihan yang sama persis panjangnya {n}")
    [body] = render(Reply("Pilih", opts))
    within_limits(body)


def test_duplicate_button_labels_are_made_distinct() -> None:
    [body] = render(Reply("Pilih", (Option("a", "Ya"), Option("b", "Ya"))))
    within_limits(body)
    titles = [b["reply"]["title"] for b in body["interactive"]["action"]["buttons"]]
    assert titles == ["Ya", "Ya 2"]


def test_long_text_with_buttons_sends_the_text_first() -> None:
    text = "Awal. " + "kata " * 400 + "\n\nMau lanjut?"
    bodies = render(Reply(text, options(2)))
    assert [b["type"] for b in bodies] == ["text", "interactive"]
    for body in bodies:
        within_limits(body)
    assert bodies[-1]["interactive"]["body"]["text"] == "Mau lanjut?"


def test_body_longer_than_1024_without_paragraphs_is_split() -> None:
    bodies = render(Reply("kata " * 1000, options(2)))
    for body in bodies:
        within_limits(body)
    assert bodies[-1]["type"] == "interactive"


def test_options_with_empty_text_still_have_a_body() -> None:
    [body] = render(Reply("", options(2)), LABELS)
    within_limits(body)


@pytest.mark.parametrize("n", range(1, 35))
@pytest.mark.parametrize("label", ["Ok", "Label yang agak panjang {n}", "😀" * 30 + "{n}"])
def test_any_number_of_options_within_limits(n: int, label: str) -> None:
    bodies = render(Reply("Pertanyaan?", options(n, label)), LABELS)
    for body in bodies:
        within_limits(body)
    offered = [
        o["reply"]["id"] if "reply" in o else o["id"]
        for b in bodies
        for o in (
            b["interactive"]["action"].get("buttons")
            or b["interactive"]["action"]["sections"][0]["rows"]
        )
    ]
    assert offered == [f"opt:{i}" for i in range(1, n + 1)]


def test_shorten_prefers_a_word_boundary() -> None:
    assert shorten("Cek status insentif saya sekarang", 20) == "Cek status insentif…"
    assert shorten("pendek", 20) == "pendek"


def test_template_message_and_parameters() -> None:
    body = template_message("prakerja_deadline_reminder", "id", ["Selasa,\n30 Nov", "10 hari"])
    assert body == {
        "type": "template",
        "template": {
            "name": "prakerja_deadline_reminder",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Selasa, 30 Nov"},
                        {"type": "text", "text": "10 hari"},
                    ],
                }
            ],
        },
    }
    assert "components" not in template_message("t", "id", [])["template"]


def test_template_parameters_follow_meta_rules() -> None:
    assert template_param("a\tb\n\nc     d") == "a b c d"
    assert template_param("  ") == "-"
    assert size(template_param("x" * 5000)) <= 1024
