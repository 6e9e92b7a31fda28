"""Text that breaks naive servers while staying valid: every plane, emoji and ZWJ sequences, RTL, HTML, edges."""

from __future__ import annotations

from hypothesis import strategies as st

from .flat import Part

__all__ = ["BLANKS", "any_text", "hostile_text", "non_blank_text", "non_blank_text_part"]

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

# Blocks from every Unicode plane (never a lone surrogate: not encodable as UTF-8, so not sendable as JSON text).
# An explicit alphabet also spares hypothesis building its Unicode category tables, a ~200 MB first-run cost.
_BLOCKS = (
    (0x0000, 0x007F),  # ASCII, NUL and controls included
    (0x0080, 0x024F),  # Latin-1, Latin Extended
    (0x0300, 0x036F),  # combining marks
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x0590, 0x06FF),  # Hebrew, Arabic (RTL)
    (0x0900, 0x097F),  # Devanagari
    (0x0E00, 0x0E7F),  # Thai
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2000, 0x206F),  # general punctuation: spaces, ZWJ, direction marks
    (0x20A0, 0x20CF),  # currency
    (0x2190, 0x23FF),  # arrows, math, technical
    (0x3000, 0x30FF),  # CJK punctuation, kana
    (0x4E00, 0x4FFF),  # CJK ideographs
    (0xAC00, 0xACFF),  # Hangul syllables
    (0xE000, 0xE0FF),  # private use
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFF00, 0xFFFF),  # fullwidth forms, specials (U+FFFD, noncharacters)
    (0x10300, 0x1034F),  # plane 1: Old Italic, Gothic
    (0x1D400, 0x1D4FF),  # plane 1: mathematical alphanumerics
    (0x1F300, 0x1F6FF),  # plane 1: emoji
    (0x1F900, 0x1F9FF),  # plane 1: more emoji
    (0x20000, 0x200FF),  # plane 2: CJK Extension B
    (0x30000, 0x300FF),  # plane 3: CJK Extension G
    (0xE0000, 0xE007F),  # plane 14: tags
    (0xF0000, 0xF00FF),  # plane 15: private use
    (0x100000, 0x1000FF),  # plane 16: private use
)
_ALPHABET = "".join(chr(code) for low, high in _BLOCKS for code in range(low, high + 1))


def any_text(*, max_size: int = 100) -> st.SearchStrategy[str]:
    """Random text from every Unicode plane."""
    return st.text(_ALPHABET, max_size=max_size)


def hostile_text(*, max_size: int = 100) -> st.SearchStrategy[str]:
    """Any text, including hard cases and long repetitions."""
    return st.tuples(any_text(max_size=max_size), st.integers(0, _GARNISHES)).map(_garnished)


def non_blank_text(*, max_size: int = 100) -> st.SearchStrategy[str]:
    """Text with at least one visible character, possibly with whitespace at the edges."""
    return non_blank_text_part(max_size=max_size).strategy()


def non_blank_text_part(*, max_size: int = 100) -> Part:
    """non_blank_text as a part of a flat draw: a text and one integer (edges and garnish: fewer choices)."""
    return Part((any_text(max_size=max_size), st.integers(0, len(_EDGES) * (_GARNISHES + 1) - 1)), _framed)


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


def _framed(text: str, pick: int) -> str:
    edge, garnish = divmod(pick, _GARNISHES + 1)
    lead, trail = _EDGES[edge]
    text = _garnished((text, garnish))
    # Python's str.isspace() counts more characters as blank than any regex engine's \s (e.g. U+001C), so a text
    # it finds non-blank is non-blank for every validator.
    return lead + (text if text.strip() else "·" + text) + trail
