"""The relevance decision: is a text about the topic, why, and which round."""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from monitor.errors import SeedsError
from monitor.text import fold, folded_words, normalize_text

# ISO 639-1 codes a topic may use; anything else is a typo in topic.yaml.
KNOWN_LANGUAGES = frozenset(
    [
        "en",
        "ru",
        "fa",
        "tr",
        "ar",
        "kk",
        "fr",
        "de",
        "es",
        "it",
        "pt",
        "nl",
        "pl",
        "uk",
        "az",
        "uz",
        "ky",
        "tg",
        "tk",
        "ur",
        "he",
        "ku",
        "hy",
        "ka",
        "zh",
        "ja",
        "ko",
        "hi",
    ]
)
REQUIRED_LISTS = ("anchor", "syria", "process", "query")
OPTIONAL_LISTS = (
    "anchor_ambiguous",
    "context",
    "support",
    "traps",
    "round_words",
    "ordinal_suffixes",
    "months",
    "offtopic",
)
# Kinds matched in the text, in the order they are reported.
KINDS = ("trap", "anchor", "ambiguous", "syria", "context", "process", "support", "guarantor", "offtopic")

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
# Attached Arabic clitics: wa/fa + bi/li/ka + al ("وبأستانا", "السورية").
_CLITIC = "(?:[وف]?[بلک]?(?:ال)?)"
# Turkish "4. tur" / "21. toplantı": the dot makes the number ordinal; keep that fact
# as a token before punctuation is dropped.
_NON_WORD = re.compile(r"[^\w\n]+")
_DOTTED_ORDINAL = re.compile(r"(\d{1,2})\.(?=\s)")

# Score weights (logit units); relevant when the logistic score >= 0.5.
BIAS = -2.0
W_TITLE = 2.0  # the title itself has anchor+syria or a process term
W_COOC_FIRST = 2.5  # a paragraph with an anchor and a Syria term
W_COOC_MORE = 0.6  # each further such paragraph (up to 3)
W_COOC_NEAR = 1.8  # ... or a Syria term in the paragraph next to the anchor (alone: just short)
W_COOC_DOC = 1.0  # ... or anchor and Syria only somewhere in the same text
W_PROCESS_FIRST = 3.0  # a process-specific term
W_PROCESS_MORE = 0.8  # each further distinct one (up to 3)
W_SUPPORT = 1.0  # a supporting name/term, with anchor/process/context present
W_SUPPORT_BARE = 0.4  # ... without them (Geneva coverage also names these people)
W_CONTEXT_COOC = 1.2  # "Kazakhstan" and "Syria" in one paragraph, no anchor
W_TRAP = -1.8  # each distinct trap (up to 3)
W_PASSING = -1.2  # one passing anchor mention in a long text
W_SEED_MAX = 1.0  # similarity to the seed text(s) nudges borderline cases
W_BEFORE_WINDOW = -3.0  # published long before the topic's window (2015 "Astana platform")
W_TRIO = 2.5  # all guarantor states named in one paragraph with a Syria term (summits)
NO_SYRIA_CAP = -0.5  # without any Syria term or process term, at most this logit
# A secondary mention (topic confined to one paragraph of a long text, or of a text whose
# title is about another subject) is at most this logit, however strong that paragraph is.
SECONDARY_CAP = -1.0
# "Long text" for the passing-mention rule: more words and paragraphs than these.
LONG_TEXT_WORDS = 150
LONG_TEXT_PARAGRAPHS = 4
# For the secondary-mention rule (topic terms in one paragraph only): Turkish and Arabic
# say in 100 words what English says in 150.
SECONDARY_WORDS = 100
SECONDARY_PARAGRAPHS = 5

# Round from the date: inside [start - 3 d, end + 3 d], else the nearest round within 10 d.
ROUND_TIGHT = timedelta(days=3)
ROUND_NEAR = timedelta(days=10)
# An ordinal is implausible when published this long before that round began.
ORDINAL_LEAD = timedelta(days=120)


@dataclass(frozen=True)
class Round:
    """One round of the talks."""

    number: int
    start: date
    end: date
    city: str
    outcome: str


@dataclass(frozen=True)
class Judgement:
    """The relevance decision for one text."""

    relevance: float
    relevant: bool
    matched_terms: list[dict[str, Any]]
    reason: str
    round: int | None
    round_method: str | None

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies matched_terms, a cost on every page.
        return {"relevance": self.relevance, "relevant": self.relevant, "matched_terms": self.matched_terms,
                "reason": self.reason, "round": self.round, "round_method": self.round_method}


@dataclass
class _Language:
    """The validated vocabulary of one language."""

    lists: dict[str, list[str]]
    noun_first: bool = False
    ordinals: dict[int, list[str]] = field(default_factory=dict)
    guarantors: dict[str, list[str]] = field(default_factory=dict)
    month_numbers: dict[int, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- loading


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so a bad date is reported with its field."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise SeedsError(path, "-", "file not found")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SeedsError(path, "-", f"YAML syntax error: {exc}".replace("\n", " ")) from None
    except UnicodeDecodeError as exc:
        raise SeedsError(path, "-", f"not UTF-8: {exc}") from None


def _mapping(value: Any, path: Path, field_name: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise SeedsError(path, field_name, f"expected a mapping, got {type(value).__name__}")
    return value


def _required(data: dict[Any, Any], key: str, path: Path, field_name: str) -> Any:
    if key not in data or data[key] is None:
        raise SeedsError(path, field_name, "missing")
    return data[key]


def _date(value: Any, path: Path, field_name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise SeedsError(path, field_name, f"not an ISO date (YYYY-MM-DD): {value!r}")


def _string_list(value: Any, path: Path, field_name: str) -> list[str]:
    if not isinstance(value, list):
        raise SeedsError(path, field_name, f"expected a list of strings, got {type(value).__name__}")
    if not value:
        raise SeedsError(path, field_name, "empty list")
    for i, item in enumerate(value):
        if not isinstance(item, (str, int)) or not str(item).strip():
            raise SeedsError(path, f"{field_name}[{i}]", f"expected a non-empty string, got {item!r}")
    return [str(item) for item in value]


def _load_language(code: Any, data: Any, path: Path) -> _Language:
    where = f"languages.{code}"
    if not isinstance(code, str) or code not in KNOWN_LANGUAGES:
        raise SeedsError(path, where, f"unknown language code {code!r}")
    data = _mapping(data, path, where)
    known = set(REQUIRED_LISTS) | set(OPTIONAL_LISTS) | {"ordinals", "noun_first", "guarantors", "month_numbers"}
    for key in data:
        if key not in known:
            raise SeedsError(path, f"{where}.{key}", f"unknown field (known: {', '.join(sorted(known))})")
    lists = {
        key: _string_list(_required(data, key, path, f"{where}.{key}"), path, f"{where}.{key}")
        for key in REQUIRED_LISTS
    }
    for key in OPTIONAL_LISTS:
        if key in data:
            lists[key] = _string_list(data[key], path, f"{where}.{key}")
    noun_first = data.get("noun_first", False)
    if not isinstance(noun_first, bool):
        raise SeedsError(path, f"{where}.noun_first", "expected true or false")
    ordinals: dict[int, list[str]] = {}
    for number, terms in _mapping(data.get("ordinals", {}), path, f"{where}.ordinals").items():
        if not isinstance(number, int) or number < 1:
            raise SeedsError(path, f"{where}.ordinals", f"key must be a round number, got {number!r}")
        ordinals[number] = _string_list(terms, path, f"{where}.ordinals.{number}")
    guarantors: dict[str, list[str]] = {}
    for name, terms in _mapping(data.get("guarantors", {}), path, f"{where}.guarantors").items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z]+", name):
            raise SeedsError(path, f"{where}.guarantors", f"key must be a lower-case name, got {name!r}")
        guarantors[name] = _string_list(terms, path, f"{where}.guarantors.{name}")
    month_numbers: dict[int, list[str]] = {}
    for number, terms in _mapping(data.get("month_numbers", {}), path, f"{where}.month_numbers").items():
        if not isinstance(number, int) or not 1 <= number <= 12:
            raise SeedsError(path, f"{where}.month_numbers", f"key must be a month 1-12, got {number!r}")
        month_numbers[number] = _string_list(terms, path, f"{where}.month_numbers.{number}")
    return _Language(lists, noun_first, ordinals, guarantors, month_numbers)


def _load_rounds(path: Path) -> list[Round]:
    data = _mapping(_read_yaml(path), path, "-")
    items = _required(data, "rounds", path, "rounds")
    if not isinstance(items, list) or not items:
        raise SeedsError(path, "rounds", "expected a non-empty list")
    rounds = []
    for i, item in enumerate(items):
        where = f"rounds[{i}]"
        item = _mapping(item, path, where)
        number = _required(item, "number", path, f"{where}.number")
        if not isinstance(number, int) or number != i + 1:
            raise SeedsError(path, f"{where}.number", f"expected {i + 1} (rounds in order), got {number!r}")
        start = _date(_required(item, "start", path, f"{where}.start"), path, f"{where}.start")
        end = _date(_required(item, "end", path, f"{where}.end"), path, f"{where}.end")
        if end < start:
            raise SeedsError(path, f"{where}.end", "ends before it starts")
        city = _required(item, "city", path, f"{where}.city")
        outcome = _required(item, "outcome", path, f"{where}.outcome")
        if not isinstance(city, str) or not isinstance(outcome, str):
            raise SeedsError(path, where, "city and outcome must be strings")
        rounds.append(Round(number, start, end, city, outcome))
    return rounds


# --------------------------------------------------------------------------- patterns


def _term_key(term: str) -> str:
    """A term as matched: normalised word tokens joined by spaces, '*' kept."""
    parts = []
    for raw in normalize_text(term).split():
        star = raw.endswith("*")
        tokens = folded_words(raw)
        if tokens and star:
            tokens[-1] += "*"
        parts.extend(tokens)
    return " ".join(parts)


def _trie_regex(keys: Sequence[str]) -> str:
    """One regex alternation for many keys, factored by common prefixes (fast)."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        literal = [re.escape(c) + emit(child) for c, child in sorted(node.items()) if c not in ("", "*")]
        alts = literal + ([r"\S*" + emit(node["*"])] if "*" in node else [])
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(trie)


def _alternation(keys: Sequence[str]) -> str:
    """Arabic-script keys get optional clitics; a never-matching pattern for no keys."""
    arabic = sorted({k for k in keys if _ARABIC_SCRIPT.search(k)})
    other = sorted({k for k in keys if not _ARABIC_SCRIPT.search(k)})
    alts = ([_CLITIC + "(?:" + _trie_regex(arabic) + ")"] if arabic else []) + (
        ["(?:" + _trie_regex(other) + ")"] if other else []
    )
    return "(?:" + "|".join(alts) + ")" if alts else "(?!x)x"


def _bounded(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\S)" + pattern + r"(?!\S)")


class _Resolver:
    """Maps a matched string back to the term (as written) that produced it."""

    def __init__(self, terms: dict[str, str]) -> None:
        self._exact = {k.replace("*", ""): t for k, t in terms.items() if "*" not in k}
        # Longest first: a prefix term ("девят*", 9) also matches a longer one ("девятнадцат*", 19).
        self._patterns = [
            (re.compile(_CLITIC + _trie_regex([k]) if _ARABIC_SCRIPT.search(k) else _trie_regex([k])), t)
            for k, t in sorted(terms.items(), key=lambda kt: -len(kt[0].replace("*", "")))
        ]
        self._cache: dict[str, str] = {}

    def __call__(self, matched: str) -> str:
        if matched in self._exact:
            return self._exact[matched]
        if matched not in self._cache:
            self._cache[matched] = next((t for p, t in self._patterns if p.fullmatch(matched)), matched)
        return self._cache[matched]


@dataclass
class _Hits:
    """Matches of every kind in one document: kind -> [(term, paragraph index)]."""

    by_kind: dict[str, list[tuple[str, int]]]
    # Paragraph -> the guarantor states named in it.
    guarantors: dict[int, set[str]] = field(default_factory=dict)

    def paragraphs(self, kind: str) -> set[int]:
        return {para for _, para in self.by_kind[kind]}

    def distinct(self, kind: str) -> list[str]:
        return list(dict.fromkeys(term for term, _ in self.by_kind[kind]))


# --------------------------------------------------------------------------- topic


# A dateline ("ASTANA, May 4 (Reuters) -", "НҰР-СҰЛТАН. ҚазАқпарат -", "MOSCOW, January 24. /TASS/.")
# names where the reporter files from, not what the story is about: Kazakh outlets put the
# capital on every article. Only capitalised datelines can be told apart from running text.
_DATELINE = re.compile(
    r"^[ \t]*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][A-ZА-ЯЁӘҒҚҢӨҰҮҺІ'’ -]{2,30}"
    r"(?:,[^.—–\n]{0,30}?)?[ \t]*(?:\.|—|–| -)[ \t]+",
    re.MULTILINE,
)


def strip_datelines(text: str) -> str:
    return _DATELINE.sub("", text)


class Topic:
    """The monitored topic: vocabulary, rounds and the relevance judge."""

    def __init__(
        self,
        name: str,
        since: date,
        until: date,
        languages: dict[str, _Language],
        rounds: list[Round],
        seed_texts: Sequence[str] = (),
    ) -> None:
        self.name = name
        self.since = since
        self.until = until
        self.rounds = rounds
        self._languages = languages
        self._compile_terms()
        self._compile_rounds()
        self._seed_words = [self._word_set(t) for t in seed_texts if t.strip()]

    @classmethod
    def load(cls, seeds_dir: Path, seed_texts: Sequence[str] = ()) -> Topic:
        """Read topic.yaml and rounds.yaml from `seeds_dir`; SeedsError on bad content."""
        seeds_dir = Path(seeds_dir)
        path = seeds_dir / "topic.yaml"
        data = _mapping(_read_yaml(path), path, "-")
        name = _required(data, "name", path, "name")
        if not isinstance(name, str) or not name.strip():
            raise SeedsError(path, "name", "expected a non-empty string")
        window = _mapping(_required(data, "window", path, "window"), path, "window")
        since = _date(_required(window, "since", path, "window.since"), path, "window.since")
        until = _date(_required(window, "until", path, "window.until"), path, "window.until")
        if until < since:
            raise SeedsError(path, "window.until", "is before window.since")
        raw_languages = _mapping(_required(data, "languages", path, "languages"), path, "languages")
        if not raw_languages:
            raise SeedsError(path, "languages", "no languages")
        languages = {code: _load_language(code, body, path) for code, body in raw_languages.items()}
        rounds = _load_rounds(seeds_dir / "rounds.yaml")
        if not seed_texts:
            seed_texts = [
                p.read_text(encoding="utf-8", errors="replace") for p in sorted(seeds_dir.glob("*.txt"))
            ]
        return cls(name.strip(), since, until, languages, rounds, seed_texts)

    def languages(self) -> list[str]:
        """The topic's language codes, in file order."""
        return list(self._languages)

    def queries(self, language: str) -> list[str]:
        """Site-search queries for `language` (empty for a language not in the topic)."""
        lang = self._languages.get(language)
        return list(lang.lists["query"]) if lang else []

    # ---- compilation

    def _terms(self, key: str) -> dict[str, str]:
        """Normalised key -> term as written, over all languages."""
        terms: dict[str, str] = {}
        for lang in self._languages.values():
            for term in lang.lists.get(key, []):
                norm = _term_key(term)
                if norm:
                    terms.setdefault(norm, term)
        return terms

    def _compile_terms(self) -> None:
        """One regex per pass; kinds that never overlap share a pass (named groups)."""
        sources = {
            "trap": "traps",
            "anchor": "anchor",
            "ambiguous": "anchor_ambiguous",
            "syria": "syria",
            "context": "context",
            "process": "process",
            "support": "support",
            "offtopic": "offtopic",
        }
        self._resolvers: dict[str, _Resolver] = {}
        alternations: dict[str, str] = {}
        for kind, key in sources.items():
            terms = self._terms(key)
            alternations[kind] = _alternation(list(terms))
            self._resolvers[kind] = _Resolver(terms)
        # One named group per guarantor state ("g_russia"): a paragraph naming all of them
        # with Syria is the trio's diplomacy, even where "Astana" is never written.
        countries: dict[str, dict[str, str]] = {}
        for lang in self._languages.values():
            for name, names in lang.guarantors.items():
                for term in names:
                    norm = _term_key(term)
                    if norm:
                        countries.setdefault(name, {}).setdefault(norm, term)
        self._countries = sorted(countries)
        for name, terms in countries.items():
            alternations["g_" + name] = _alternation(list(terms))
            self._resolvers["g_" + name] = _Resolver(terms)
        city_kinds = ("anchor", "ambiguous", "syria", "context", *("g_" + n for n in self._countries))
        # Traps first (their spans are masked), then the city and Syria, then the process
        # terms, which contain city names ("astana talks") and so need their own pass.
        self._passes = [
            _bounded("(?:" + "|".join(f"(?P<{k}>{alternations[k]})" for k in kinds) + ")")
            for kinds in (("trap",), city_kinds, ("process", "support", "offtopic"))
        ]

    def _compile_rounds(self) -> None:
        ordinals: dict[str, str] = {}
        noun_first_ordinals: dict[str, str] = {}
        self._ordinal_numbers: dict[str, int] = {}
        for lang in self._languages.values():
            for number, terms in lang.ordinals.items():
                for term in terms:
                    key = _term_key(term)
                    ordinals[key] = term
                    self._ordinal_numbers[term] = number
                    if lang.noun_first:
                        noun_first_ordinals[key] = term
        self._ordinal_resolver = _Resolver(ordinals)
        words = self._terms("round_words")
        noun_first_words = {
            k: t
            for lang in self._languages.values()
            if lang.noun_first
            for t in lang.lists.get("round_words", [])
            for k in [_term_key(t)]
        }
        suffixes = sorted(
            {
                s
                for lang in self._languages.values()
                for s in (_term_key(x) for x in lang.lists.get("ordinal_suffixes", []))
            }
            | {"inci"}
        )
        suffix = "(?:" + "|".join(map(re.escape, suffixes)) + ")"
        # Month names, numbered where topic.yaml says which month they are ("dec" -> 12).
        month_terms: dict[str, str] = dict(self._terms("months"))
        self._month_number: dict[str, int] = {}
        for lang in self._languages.values():
            for month, names in lang.month_numbers.items():
                for term in names:
                    key = _term_key(term)
                    if key:
                        month_terms.setdefault(key, term)
                        self._month_number.setdefault(month_terms[key], month)
        self._month_resolver = _Resolver(month_terms)
        months = "(?:" + _trie_regex(sorted(month_terms)) + r")(?!\S)"
        # "21-22 December", "11 و12 تشرين", "7 и 8 июля": a second day, maybe after a conjunction.
        day_range = r"(?: (?:[^\s\d]{1,4} )?[^\s\d]{0,2}\d{1,2})?"
        numbered = r"(?:" + _trie_regex(sorted(k for k, t in month_terms.items() if t in self._month_number)) + ")"
        self._date_pattern = re.compile(
            r"(?<!\S)(?:(?P<d1>\d{1,2})" + day_range + r" (?:of )?(?P<m1>" + numbered + r")"
            r"|(?P<m2>" + numbered + r") (?P<d2>\d{1,2})" + day_range + r")(?: (?P<y>20\d\d))?(?!\S)"
        ) if self._month_number else None
        anchors = _alternation(list(self._terms("anchor")) + list(self._terms("anchor_ambiguous")))
        number_re = r"(?:ال)?(?P<{g}>\d{{1,2}})"
        ordinal_first = (
            r"(?:(?P<o1>"
            + _alternation(list(ordinals))
            + r")|"
            + number_re.format(g="n1")
            + r"(?:(?:st|nd|rd|th)| "
            + suffix
            + r"))(?: \S+){0,2}? "
            + _alternation(list(words))
        )
        round_number = (
            _alternation(list(words))
            + r" (?:no |number |№ )?"
            + number_re.format(g="n2")
            + r"(?!"
            + day_range
            + " "
            + months
            + ")"
        )
        noun_first = (
            _alternation(list(noun_first_words))
            + r"(?: \S+)?? (?:ال )?(?:(?P<o3>"
            + _alternation(list(noun_first_ordinals))
            + r")|"
            + number_re.format(g="n3")
            + ")"
        )
        anchor_number = anchors + " " + number_re.format(g="n4") + r"(?!" + day_range + " " + months + ")"
        self._round_pattern = re.compile(
            r"(?<!\S)(?:" + "|".join([ordinal_first, round_number, noun_first, anchor_number]) + r")(?!\S)"
        )

    # ---- judging

    @staticmethod
    def _paragraphs(title: str, text: str) -> list[str]:
        """Title first, then body paragraphs, each as normalised tokens joined by spaces."""
        text = strip_datelines(text)
        folded = _DOTTED_ORDINAL.sub(r"\1 inci ", fold(title.replace("\n", " ") + "\n" + text + " "))
        return [p.strip() for p in _NON_WORD.sub(" ", folded.replace("_", " ")).split("\n")]

    def _find(self, doc: str, starts: list[int]) -> tuple[_Hits, str]:
        """Match every kind; trap phrases are masked before the other kinds are matched."""
        by_kind: dict[str, list[tuple[str, int]]] = {kind: [] for kind in KINDS}
        guarantors: dict[int, set[str]] = {}
        masked = doc
        for index, pattern in enumerate(self._passes):
            spans = []
            for m in pattern.finditer(masked):
                group = m.lastgroup or ""
                para = bisect.bisect_right(starts, m.start()) - 1
                term = self._resolvers[group](m.group())
                if group.startswith("g_"):
                    guarantors.setdefault(para, set()).add(group[2:])
                    group = "guarantor"
                by_kind[group].append((term, para))
                spans.append(m.span())
            if index == 0:
                for a, b in reversed(spans):
                    masked = masked[:a] + "#" * (b - a) + masked[b:]
        return _Hits(by_kind, guarantors), masked

    def judge(
        self, *, title: str, text: str, language: str | None = None, published: datetime | None = None
    ) -> Judgement:
        """Decide whether the text is about the topic, why, and which round."""
        paragraphs = self._paragraphs(title or "", text or "")
        starts, offset = [], 0
        for para in paragraphs:
            starts.append(offset)
            offset += len(para) + 1
        doc = "\n".join(paragraphs)
        hits, masked = self._find(doc, starts)

        # Support names (de Mistura, Pedersen, Jaafari...) are Syria-specific: they stand
        # for a Syria term next to an anchor.
        syria = hits.paragraphs("syria") | hits.paragraphs("support")
        process_paras = hits.paragraphs("process")
        context_paras = hits.paragraphs("context")
        n_countries = len(self._countries)
        # Two guarantor states named together ("Iran and Russia") are context like "Kazakhstan";
        # all of them with a Syria term is the trio's diplomacy (summits, joint statements).
        pair_paras = {p for p, names in hits.guarantors.items() if len(names) >= min(2, n_countries)}
        trio = sorted(
            p for p, names in hits.guarantors.items() if n_countries and len(names) == n_countries and p in syria
        )
        grounding = context_paras | process_paras | pair_paras
        # An ambiguous spelling (آستانه "threshold", الأستانة "Istanbul", елорда "the capital")
        # is the city when its paragraph has context, a process term or two guarantor states,
        # or a Syria term in a text grounded anywhere (or with the unambiguous city name).
        grounded_doc = bool(grounding or hits.by_kind["anchor"])
        anchors = hits.paragraphs("anchor") | {
            p for p in hits.paragraphs("ambiguous") if p in grounding or (p in syria and grounded_doc)
        }
        cooc = sorted(p for p in anchors if p in syria)
        # Wire copy often puts each sentence in its own paragraph: a Syria term in the
        # neighbouring paragraph is weaker evidence, anywhere in the text weaker still.
        near = [p for p in anchors if p not in cooc and (p - 1 in syria or p + 1 in syria)]
        context_cooc = [p for p in context_paras if p in syria and p not in anchors]
        process = hits.distinct("process")
        support = hits.distinct("support")
        traps = hits.distinct("trap")

        z = BIAS
        title_hit = 0 in cooc or 0 in process_paras or 0 in trio
        body_cooc = [p for p in cooc if p > 0]
        z += W_TITLE if title_hit else 0.0
        if body_cooc:
            z += W_COOC_FIRST + W_COOC_MORE * min(3, len(body_cooc) - 1)
        elif near:
            z += W_COOC_NEAR
        elif anchors and syria and not title_hit:
            z += W_COOC_DOC
        if trio and not body_cooc and not process:
            z += W_TRIO
        if process:
            z += W_PROCESS_FIRST + W_PROCESS_MORE * min(3, len(process) - 1)
        grounded = bool(anchors or process or hits.by_kind["context"])
        z += (W_SUPPORT if grounded else W_SUPPORT_BARE) * min(2, len(support))
        z += W_CONTEXT_COOC if context_cooc and not cooc else 0.0
        z += W_TRAP * min(3, len(traps))
        anchor_mentions = len(hits.by_kind["anchor"]) + len(hits.by_kind["ambiguous"])
        passing = (
            len(cooc) + len(near) == 1
            and not process
            and not title_hit
            and anchor_mentions == 1
            and doc.count(" ") + len(paragraphs) > LONG_TEXT_WORDS
            and len(paragraphs) > LONG_TEXT_PARAGRAPHS
        )
        z += W_PASSING if passing else 0.0
        secondary = self._secondary(
            hits, paragraphs, doc, set(cooc) | set(near) | process_paras | set(trio) | set(context_cooc)
        )
        # Only borderline cases are nudged, so the similarity is computed only for them.
        similarity = self._seed_similarity(masked) if abs(z) < 2.0 else 0.0
        z += min(W_SEED_MAX, max(0.0, 6.0 * (similarity - 0.1)))
        early = published is not None and published.date() < self.since - timedelta(days=60)
        z += W_BEFORE_WINDOW if early else 0.0
        if not syria and not process:
            z = min(z, NO_SYRIA_CAP)
        if secondary:
            z = min(z, SECONDARY_CAP)

        score = 1.0 / (1.0 + math.exp(-z))
        relevant = score >= 0.5
        number, method = self._round(masked, starts, hits, anchors, published) if relevant else (None, None)
        reason = self._reason(
            hits, cooc, near, process, support, traps, passing, early, similarity, trio, secondary
        )
        return Judgement(
            round(score, 4), relevant, self._matched_terms(hits, anchors), reason, number, method
        )

    def _secondary(self, hits: _Hits, paragraphs: list[str], doc: str, topical: set[int]) -> str:
        """Why the topic is only a secondary mention ("" when it is not).

        Annotators call a text relevant when it is about the process, not when one paragraph
        of an economy review or a Geneva report names it. The title says what a story is
        about: when it has no topic evidence and only one body paragraph has, the mention is
        secondary if the text is long or the title names another subject (offtopic terms).
        """
        trio_title = len(hits.guarantors.get(0, ())) == len(self._countries) > 0
        title_evidence = 0 in topical or 0 in hits.paragraphs("support") or trio_title
        body = {p for p in topical if p > 0}
        if title_evidence or len(body) > 1:
            return ""
        long_text = doc.count(" ") + len(paragraphs) > SECONDARY_WORDS and len(paragraphs) >= SECONDARY_PARAGRAPHS
        if long_text and body:
            return "one topic paragraph in a long text"
        offtopic = [t for t, p in hits.by_kind["offtopic"] if p == 0]
        if offtopic:
            return f"title about another subject ({offtopic[0]})"
        return ""

    # ---- explanation

    @staticmethod
    def _matched_terms(hits: _Hits, anchors: set[int]) -> list[dict[str, Any]]:
        counts: Counter[tuple[str, str, str]] = Counter()
        for kind, found in hits.by_kind.items():
            for term, para in found:
                shown = "anchor" if kind == "ambiguous" and para in anchors else kind
                counts[(term, shown, "title" if para == 0 else "text")] += 1
        return [{"term": t, "kind": k, "field": f, "count": c} for (t, k, f), c in counts.items()]

    @staticmethod
    def _reason(
        hits: _Hits,
        cooc: list[int],
        near: list[int],
        process: list[str],
        support: list[str],
        traps: list[str],
        passing: bool,
        early: bool,
        similarity: float,
        trio: list[int],
        secondary: str,
    ) -> str:
        parts = []
        if cooc:
            where = "title" if 0 in cooc else f"{len(cooc)} paragraph(s)"
            terms = sorted(
                {t for k in ("anchor", "ambiguous", "syria") for t, p in hits.by_kind[k] if p in cooc}
            )
            parts.append(f"anchor+syria in {where} ({', '.join(terms[:4])})")
        elif near:
            parts.append("anchor and Syria in neighbouring paragraphs")
        if process:
            parts.append("process terms: " + ", ".join(process[:4]))
        if trio:
            parts.append("guarantor states with Syria in " + ("title" if 0 in trio else f"{len(trio)} paragraph(s)"))
        if support:
            parts.append("supporting: " + ", ".join(support[:3]))
        if traps:
            parts.append("traps: " + ", ".join(traps[:3]))
        if not hits.by_kind["syria"] and not support:
            parts.append("no Syria term")
        if passing:
            parts.append("single passing anchor mention in a long text")
        if secondary:
            parts.append("secondary mention: " + secondary)
        if early:
            parts.append("published before the topic window")
        if similarity >= 0.1:
            parts.append(f"seed similarity {similarity:.2f}")
        return "; ".join(parts) or "no topic terms"

    # ---- seed similarity

    @staticmethod
    def _word_set(text: str) -> frozenset[str]:
        # Short tokens are mostly function words; they would inflate the overlap.
        return frozenset(w for w in folded_words(fold(text)) if len(w) > 3 and not w.isdigit())

    def _seed_similarity(self, doc: str) -> float:
        if not self._seed_words:
            return 0.0
        mine = self._word_set(doc)
        if not mine:
            return 0.0
        return max(len(mine & seed) / math.sqrt(len(mine) * len(seed)) for seed in self._seed_words)

    # ---- rounds

    def _round(
        self, doc: str, starts: list[int], hits: _Hits, anchors: set[int], published: datetime | None
    ) -> tuple[int | None, str | None]:
        by_date = self._round_by_date(published.date()) if published else None
        mentions = self._ordinal_mentions(doc, starts, hits, anchors)
        if published is not None:
            day = published.date()
            mentions = Counter(
                {n: w for n, w in mentions.items() if day >= self.rounds[n - 1].start - ORDINAL_LEAD}
            )
        if not mentions:
            if by_date:
                return by_date, "date"
            # Announcements ("on 21-22 December") and look-backs ("on May 4, 2017") name the
            # round's dates; the publication date alone is too far from it.
            named = self._named_date_round(doc, published)
            return (named, "text_date") if named else (None, None)
        if by_date in mentions:
            return by_date, "ordinal"
        best = mentions.most_common(1)[0][0]
        # Published while a round is held, the text is most likely about that round: an
        # earlier ordinal there is a look back ("the memorandum of the 4th round") or
        # another "first"; a later one announces the next round and wins.
        if (
            by_date is not None
            and best < by_date
            and published is not None
            and self._in_round(published.date(), by_date)
        ):
            return by_date, "date"
        return best, "ordinal"

    def _ordinal_mentions(self, doc: str, starts: list[int], hits: _Hits, anchors: set[int]) -> Counter[int]:
        """Round numbers mentioned near the topic; title mentions count twice."""
        near = anchors | hits.paragraphs("process") | hits.paragraphs("support")
        found: Counter[int] = Counter()
        for m in self._round_pattern.finditer(doc):
            para = bisect.bisect_right(starts, m.start()) - 1
            number = self._mention_number(m)
            if number is None or not 1 <= number <= len(self.rounds):
                continue
            if m.group("n4") is None and para not in near:
                continue
            found[number] += 2 if para == 0 else 1
        return found

    def _mention_number(self, m: re.Match[str]) -> int | None:
        for group in ("n1", "n2", "n3", "n4"):
            if m.group(group):
                return int(m.group(group))
        for group in ("o1", "o3"):
            if m.group(group):
                term = self._ordinal_resolver(m.group(group))
                return self._ordinal_numbers.get(term)
        return None

    def _named_date_round(self, doc: str, published: datetime | None) -> int | None:
        """The round whose dates the text names, the most named one; None if none."""
        if self._date_pattern is None:
            return None
        found: Counter[int] = Counter()
        for m in self._date_pattern.finditer(doc):
            month = self._month_number.get(self._month_resolver(m.group("m1") or m.group("m2") or ""))
            day_number = int(m.group("d1") or m.group("d2"))
            if m.group("y"):
                years = [int(m.group("y"))]
            elif published is not None:
                # No year: the one that puts the date within six months of publication.
                years = [published.year - 1, published.year, published.year + 1]
            else:
                continue
            for year in years:
                try:
                    named = date(year, month or 0, day_number)
                except ValueError:
                    continue
                if published is not None and not m.group("y") and abs(named - published.date()).days > 183:
                    continue
                for r in self.rounds:
                    if r.start - timedelta(days=1) <= named <= r.end + timedelta(days=1):
                        found[r.number] += 1
        return found.most_common(1)[0][0] if found else None

    def _in_round(self, day: date, number: int) -> bool:
        r = self.rounds[number - 1]
        return r.start - ROUND_TIGHT <= day <= r.end + ROUND_TIGHT

    def _round_by_date(self, day: date) -> int | None:
        """The round held around `day`: inside its window, else the nearest within 10 days."""
        for r in self.rounds:
            if self._in_round(day, r.number):
                return r.number
        best: tuple[timedelta, int] | None = None
        for r in self.rounds:
            gap = r.start - day if day < r.start else day - r.end
            if gap <= ROUND_NEAR and (best is None or gap < best[0]):
                best = (gap, r.number)
        return best[1] if best else None
