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

# Whitespace around a text, as (leading, trailing): one draw instead of two texts of blanks, the same cases.
_EDGES = (("", ""), ("", ""), (" ", ""), ("", "\n"), ("\t", " "), ("  \r\n", ""), ("\u00a0", "\u2003"), ("", "\u3000 "))

# Anything but lone surrogates (not encodable as UTF-8, so not sendable as JSON text).
_ANY_CHARACTER = st.characters(exclude_categories=["Cs"])


def hostile_text(*, max_size: int = 100) -> st.SearchStrategy[str]:
    """Any text, including hard cases and long repetitions."""
    return st.tuples(st.text(_ANY_CHARACTER, max_size=max_size), st.integers(0, _GARNISHES)).map(_garnished)


def non_blank_text(*, max_size: int = 100) -> st.SearchStrategy[str]:
    """Text with at least one visible character, possibly with whitespace at the edges."""
    return st.tuples(st.sampled_from(_EDGES), hostile_text(max_size=max_size)).map(_framed)


# A quarter of the draws append a hard sample to the random text, a quarter prefix a long repetition of one
# (one integer draw instead of a one_of over strategies: the same cases at a fraction of the cost).
_GARNISHES = 4 * len(_SAMPLES) - 1


def _garnished(text_and_pick: tuple[str, int]) -> str:
    text, pick = text_and_pick
    samples = len(_SAMPLES)
    if pick < samples:
        return text + _SAMPLES[pick]
    if pick < 2 * samples:
        return _SAMPLES[pick - samples] * 100 + text
    return text


def _framed(edges_and_text: tuple[tuple[str, str], str]) -> str:
    (lead, trail), text = edges_and_text
    # Python's str.isspace() counts more characters as blank than any regex engine's \s (e.g. U+001C), so a text
    # it finds non-blank is non-blank for every validator.
    return lead + (text if text.strip() else "·" + text) + trail
