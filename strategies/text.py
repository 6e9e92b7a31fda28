"""Text that breaks naive servers while staying valid: every plane, emoji and ZWJ sequences, RTL, HTML, edges."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["BLANKS", "hostile_text", "non_blank_text"]

# Whitespace every regex engine agrees on (Python's `\s`, Rust's White_Space): a body of only these is blank.
BLANKS = " \t\n\r\u00a0\u2003\u3000"

_SAMPLES = (
    "👩‍👩‍👧‍👦 family",  # ZWJ sequence
    "🏳️‍🌈🇪🇺🇦🇺",  # flags and a ZWJ flag
    "مرحبا بالعالم",  # RTL
    "שלום \u200fעולם\u200e",  # RTL with direction marks
    "<p>Hi <b>{{first_name}}</b> &amp; <a href='https://example.com'>welcome</a></p>",
    "<script>alert(1)</script>",
    "Ｔｅｓｔ ｆｕｌｌｗｉｄｔｈ",
    "e\u0301\u0301\u0301 zalgo",  # stacked combining marks
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 𠜎",  # astral planes
    "quotes \" ' ` and \\ backslash",
    "line\nbreaks\r\nand\ttabs",
    "\u0000nul inside",
)

# Anything but lone surrogates (not encodable as UTF-8, so not sendable as JSON text).
_ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
# A character no engine reads as whitespace, so the text is not blank whatever else it holds.
_VISIBLE = st.characters(categories=["L", "N", "P", "S"])


def hostile_text(*, max_size: int = 200) -> st.SearchStrategy[str]:
    """Any text, including hard cases and long repetitions."""
    return st.one_of(
        st.text(_ANY_CHARACTER, max_size=max_size),
        st.sampled_from(_SAMPLES),
        st.tuples(st.sampled_from(_SAMPLES), st.integers(20, 200)).map(_repeated),
    )


def non_blank_text(*, max_size: int = 200) -> st.SearchStrategy[str]:
    """Text with at least one visible character, possibly with whitespace at the edges."""
    edge = st.text(st.sampled_from(BLANKS), max_size=3)
    return st.tuples(edge, _VISIBLE, hostile_text(max_size=max_size), edge).map("".join)


def _repeated(sample_and_count: tuple[str, int]) -> str:
    sample, count = sample_and_count
    return sample * count
