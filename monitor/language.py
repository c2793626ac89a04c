"""Fast rule-based language identification for the monitor's languages (no model)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# Only the head of a long text is looked at: a couple of KB settles the language.
SAMPLE_CHARS = 3000
# Below this many letters there is too little evidence to say anything.
MIN_LETTERS = 3

# Runs of letters of each script (word-ish tokens); Latin includes Latin-1/Extended-A.
SCRIPT_RES: dict[str, re.Pattern[str]] = {
    "arabic": re.compile("[\u0621-\u065f\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]+"),
    "cyrillic": re.compile("[\u0400-\u0481\u048a-\u052f]+"),
    "latin": re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+"),
}

# Letters that only one language of a script uses (among the ones we care about).
PERSIAN_LETTERS = frozenset("\u067e\u0686\u0698\u06af\u06cc\u06a9")  # پ چ ژ گ ی ک
# Only ta marbuta: Arabic yeh/kaf (ي ك) are typed by many Persian CMSs too.
ARABIC_LETTERS = frozenset("\u0629")  # ة
# Stopwords are matched with Arabic yeh/kaf folded to the Persian letters.
YEH_KAF_FOLD = str.maketrans("\u064a\u0643\u0649", "\u06cc\u06a9\u06cc")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")  # matched on lower-cased text
TURKISH_LETTERS = frozenset("şğı")
GERMAN_LETTERS = frozenset("äß")
FRENCH_LETTERS = frozenset("éèêàâùûœëïî")



def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "fa": _wordset("است می این که را با از به برای شد شده آن های هم کرد نیز بود"),
    "ar": _wordset("في من التي الذي على إلى عن أن مع هذا هذه كان قد وقد التى"),
    "ru": _wordset("и в на не что с по для как это из от к о его был также"),
    "kk": _wordset("және мен бұл үшін деп да де бойынша туралы оның болды жылы"),
    "en": _wordset("the of and to in is that for on with was said by as at from"),
    "tr": _wordset("ve bir için ile bu da de olarak olan göre ise gibi daha çok"),
    "de": _wordset("der die und das nicht ist mit den von zu sich auf für dem des"),
    "fr": _wordset("le la les et des du une est pour dans que sur pas au aux qui"),
}

# Arabic-script stopwords are kept folded (ي->ی, ك->ک) to match folded words.
STOPWORDS = {lang: frozenset(w.translate(YEH_KAF_FOLD) for w in words) if lang in ("fa", "ar") else words
             for lang, words in _STOPWORDS.items()}

# Which languages each script can be, and the distinctive letters of each.
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "arabic": ("fa", "ar"),
    "cyrillic": ("ru", "kk"),
    "latin": ("en", "tr", "de", "fr"),
}
LETTER_MARKERS: dict[str, frozenset[str]] = {
    "fa": PERSIAN_LETTERS,
    "ar": ARABIC_LETTERS,
    "kk": KAZAKH_LETTERS,
    "tr": TURKISH_LETTERS,
    "de": GERMAN_LETTERS,
    "fr": FRENCH_LETTERS,
}
SCRIPT_DEFAULT = {"ru": "ru", "fa": "ar"}  # keyed by the script's first language
# A distinctive letter is weaker evidence than a stopword; Arabic loanwords in Persian
# carry ة and Kazakh names appear in Russian text, so letters count as a fraction.
LETTER_WEIGHT = 0.35
# Real Kazakh has one special letter in ten or more; Russian quoting "Қазақстан" far fewer.
KAZAKH_MIN_SHARE = 0.02


def _script_words(sample: str) -> tuple[str | None, list[str]]:
    """The script holding the most letters, and its words."""
    best_script: str | None = None
    best_words: list[str] = []
    best_letters = 0
    for script, pattern in SCRIPT_RES.items():
        words = pattern.findall(sample)
        letters = sum(map(len, words))
        if letters > best_letters:
            best_script, best_words, best_letters = script, words, letters
    if best_letters < MIN_LETTERS:
        return None, []
    return best_script, best_words


def _scores(words: list[str], languages: Sequence[str], text: str) -> dict[str, float]:
    counts = Counter(words)
    if "fa" in languages:
        counts = Counter(" ".join(words).translate(YEH_KAF_FOLD).split())
    scores: dict[str, float] = {}
    for lang in languages:
        score = float(sum(counts[w] for w in STOPWORDS[lang] if w in counts))
        markers = LETTER_MARKERS.get(lang)
        if markers:
            score += LETTER_WEIGHT * sum(text.count(ch) for ch in markers)
        scores[lang] = score
    _adjust_arabic_script(words, scores)
    return scores


def _adjust_arabic_script(words: list[str], scores: dict[str, float]) -> None:
    """Arabic-only patterns: the article al- on most nouns; Persian plural -ها."""
    if "ar" not in scores:
        return
    joined = " " + " ".join(words) + " "
    scores["ar"] += 0.5 * joined.count(" \u0627\u0644")  # words starting with ال
    scores["fa"] += 0.5 * joined.count("\u0647\u0627 ")  # words ending with ها


def _kazakh_threshold(words: list[str], sample: str, scores: dict[str, float]) -> None:
    """Russian text quoting a Kazakh name has a few Kazakh letters: demand a share."""
    letters = sum(map(len, words))
    kazakh_letters = sum(sample.count(ch) for ch in KAZAKH_LETTERS)
    if kazakh_letters < KAZAKH_MIN_SHARE * letters:
        scores["kk"] = 0.0


def detect_language(text: str, candidates: Sequence[str] = ()) -> str | None:
    """ISO 639-1 code of `text` among en ru fa tr ar kk de fr, or None when unsure.

    `candidates` (e.g. the outlet's languages) break ties and settle weak evidence,
    but never override the script: Arabic text on an English site is still Arabic.
    """
    if not text:
        return None
    sample = text[:SAMPLE_CHARS].lower()
    script, words = _script_words(sample)
    if script is None:
        return None
    languages = SCRIPT_LANGUAGES[script]
    scores = _scores(words, languages, sample)
    if script == "cyrillic":
        _kazakh_threshold(words, sample, scores)
    return _pick(scores, languages, candidates)


def _pick(scores: dict[str, float], languages: Sequence[str], candidates: Sequence[str]) -> str | None:
    preferred = [lang for lang in candidates if lang in languages]
    best = max(scores.values())
    if best <= 0:
        # No evidence inside the script: the first candidate, else the script's default
        # (Cyrillic and Arabic script without markers are most likely ru and ar).
        if preferred:
            return preferred[0]
        return SCRIPT_DEFAULT.get(languages[0])
    leaders = [lang for lang, score in scores.items() if score == best]
    for lang in preferred:
        if lang in leaders:
            return lang
    return leaders[0]



ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())
ANY_WORD_RE = re.compile(r"[^\W\d_]+")


def stopword_share(text: str) -> float:
    """Share of words that are stopwords of any known language: how much `text` reads as
    language (a wrong code page decodes into words that are nobody's stopwords)."""
    words = ANY_WORD_RE.findall(text.lower().translate(YEH_KAF_FOLD))
    if not words:
        return 0.0
    return sum(1 for word in words if word in ALL_STOPWORDS) / len(words)
