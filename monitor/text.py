"""Text normalisation shared by relevance, dedup and full-text search."""

from __future__ import annotations

import re
import unicodedata

# One replacement map, built once: letter variants, diacritics, digits, quotes.
# Applied after NFKC and before casefold (so Turkish capitals never reach casefold,
# which would turn "İ" into "i" + combining dot).
_MAP: dict[int, str | None] = {}


def _map(chars: str, target: str | None) -> None:
    for char in chars:
        _MAP[ord(char)] = target


# Turkish dotted/dotless i: mixed-language text wants them all to meet at "i".
_map("Iİıİ", "i")
# Arabic/Persian letter variants.
_map("يىئ", "ی")
_map("ك", "ک")
_map("أإآٱ", "ا")
_map("ة", "ه")
_map("ؤ", "و")
# Tashkeel/harakat, superscript alef, tatweel: never meaningful for matching.
_map("".join(chr(c) for c in range(0x064B, 0x0660)), None)
_map("\u0670\u0640", None)
# Zero-width and direction marks, BOM, soft hyphen: "می‌شود" == "میشود".
_map("".join(chr(c) for c in range(0x200B, 0x2010)) + "\ufeff\u00ad\u2060", None)
# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits.
for _i in range(10):
    _MAP[0x06F0 + _i] = str(_i)
    _MAP[0x0660 + _i] = str(_i)
# Typographic apostrophes and quotes -> plain ones.
_map("’‘ʼ`´′", "'")
_map("«»“”„″", '"')
# Dashes -> hyphen (dedup and the word splitter treat them alike).
_map("‐‑‒–—―−", "-")
# Russian ё and Latin letters with diacritics common in Turkish/German/French names:
# "Önal"/"Onal", "çatışmasızlık"/"catismasizlik", "четвёртый"/"четвертый" meet.
_map("ёЁ", "е")
for _src, _dst in {
    "çÇ": "c",
    "şŞ": "s",
    "ğĞ": "g",
    "öÖ": "o",
    "üÜ": "u",
    "âÂäÄàÀáÁ": "a",
    "îÎíÍìÌ": "i",
    "ûÛúÚùÙ": "u",
    "éÉèÈêÊëË": "e",
    "óÓòÒôÔ": "o",
    "ñÑ": "n",
}.items():
    _map(_src, _dst)

# str.translate looks every character up in a dict; a character class that finds only the
# characters to change is several times faster on real text.
_REPLACEMENTS = {chr(code): (target or "") for code, target in _MAP.items()}
_SPECIAL = re.compile("[" + re.escape("".join(_REPLACEMENTS)) + "]")


def _replace(match: re.Match[str]) -> str:
    return _REPLACEMENTS[match.group()]


_SPACES = re.compile(r"\s+")
_HSPACES = re.compile(r"[^\S\n]+")
# Word tokens: runs of letters or digits (no underscore); apostrophes and hyphens split.
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """NFKC, letter-variant folding and casefold, keeping whitespace as it is."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is cheap
        text = unicodedata.normalize("NFKC", text)
    return _SPECIAL.sub(_replace, text).casefold()


def normalize_text(text: str) -> str:
    """Fold `text` for matching and collapse all whitespace to single spaces."""
    return _SPACES.sub(" ", fold(text)).strip()


def normalize_paragraphs(text: str) -> list[str]:
    """Fold `text` and return its non-empty paragraphs (split on newlines)."""
    folded = _HSPACES.sub(" ", fold(text))
    return [p.strip() for p in folded.split("\n") if p.strip()]


def words(text: str) -> list[str]:
    """Normalise `text` and split it into word tokens (letters and digits)."""
    return _WORD.findall(fold(text))


def folded_words(folded: str) -> list[str]:
    """Split already folded text into word tokens (skips a second fold)."""
    return _WORD.findall(folded)
