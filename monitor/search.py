"""Multilingual full-text search: what the FTS5 index stores and how analysts' queries match it."""

from __future__ import annotations

import functools
import re
import unicodedata

from monitor.text import words

# Russian case endings, longest first, so "астаной" loses "ой" and not just "й".
_RUSSIAN_ENDINGS = ("ами", "ями", "ой", "ей", "ом", "ем", "ах", "ях", "ов", "ев",
                    "а", "я", "ы", "и", "е", "у", "ю")
# Kazakh case endings (locative, dative, genitive, ablative): "Астанада" -> "астана".
_KAZAKH_ENDINGS = ("ның", "нің", "дың", "дің", "тың", "тің", "дан", "ден", "тан", "тен",
                   "нан", "нен", "ға", "ге", "қа", "ке", "да", "де", "та", "те")
# Arabic/Persian clitics: article and conjunction/preposition prefixes, plural suffixes.
_ARABIC_PREFIXES = ("وال", "بال", "فال", "کال", "لل", "ال", "و", "ب")
_PERSIAN_SUFFIXES = ("های", "ها")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# A query token: a quoted phrase, or a run of anything but spaces and quotes.
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
# FTS5's unicode61 tokenizer keeps letters, numbers and private-use characters together;
# a word with anything else (a combining mark) would split, so it never reaches MATCH.
# An empty phrase: valid FTS5 that matches nothing; the answer to a query with no words.
NOTHING = '""'


def _strip_ending(word: str, endings: tuple[str, ...], min_stem: int) -> str:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= min_stem:
            return word[: -len(ending)]
    return word


def _cyrillic_key(word: str) -> str:
    word = _strip_ending(word, _KAZAKH_ENDINGS, 4)
    if len(word) >= 5:
        word = _strip_ending(word, _RUSSIAN_ENDINGS, 3)
    return word


def _arabic_key(word: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        # Single-letter prefixes need a longer rest: "برای" must not become "رای".
        if word.startswith(prefix) and len(word) - len(prefix) >= (3 if len(prefix) > 1 else 4):
            word = word[len(prefix):]
            break
    return _strip_ending(word, _PERSIAN_SUFFIXES, 3)


@functools.lru_cache(maxsize=200_000)
def stem_key(word: str) -> str:
    """The key that a word's inflected forms share (the word itself when it has none)."""
    if _CYRILLIC.search(word):
        return _cyrillic_key(word)
    if _ARABIC.search(word):
        return _arabic_key(word)
    return word


def _tokenizable(word: str) -> bool:
    return all(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" for c in word)


def search_form(text: str | None) -> str:
    """What goes into the FTS-indexed columns: normalised words, each followed by its stem key."""
    if not text:
        return ""
    out: list[str] = []
    for word in words(text):
        out.append(word)
        key = stem_key(word)
        if key != word:
            out.append(key)
    return " ".join(out)


def _term(word: str) -> str:
    """One query word as an FTS5 term: its stem key, quoted, with a prefix star when long enough."""
    key = stem_key(word)
    quoted = '"' + key.replace('"', '""') + '"'
    return quoted + "*" if len(key) >= 3 else quoted


def _phrase_terms(text: str) -> list[str]:
    return [_term(w) for w in words(text) if _tokenizable(w)]


def _phrase(text: str) -> str | None:
    terms = _phrase_terms(text)
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    # Stem keys sit between the words in the index, so a phrase is "near each other".
    return f"NEAR({' '.join(terms)}, {2 * len(terms)})"


def _groups(q: str) -> list[tuple[list[str], list[str]]]:
    """Split a query into OR-groups of (wanted, unwanted) FTS5 expressions."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for match in _QUERY_TOKEN.finditer(q):
        phrase, bare = match.group(1), match.group(2)
        if bare == "OR":
            groups.append(([], []))
            continue
        negated = bare is not None and bare.startswith("-") and len(bare) > 1
        text = phrase if phrase is not None else bare[1:] if negated else bare
        wanted, unwanted = groups[-1]
        if phrase is not None:
            expr = _phrase(text)
            if expr:
                wanted.append(expr)
        else:
            terms = _phrase_terms(text)  # "Astana'daki" is two words, both wanted
            (unwanted if negated else wanted).extend(terms)
    return [g for g in groups if g[0]]


def search_query(q: str | None) -> str:
    """Turn what an analyst typed into a safe FTS5 MATCH expression over the search forms.

    Words are normalised and reduced to their stem keys (prefix-matched), all must match;
    "quoted words" must be near each other, OR between words gives alternatives, and
    -word excludes. Never produces an FTS5 syntax error; a query without words matches nothing.
    """
    groups = _groups(q or "")
    if not groups:
        return NOTHING
    parts = []
    for wanted, unwanted in groups:
        expr = " AND ".join(wanted)
        for term in unwanted:
            expr = f"({expr}) NOT {term}"
        parts.append(f"({expr})")
    return " OR ".join(parts)
