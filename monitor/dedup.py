"""Exact and near-duplicate detection: text fingerprints, MinHash signatures, a windowed LSH index."""

from __future__ import annotations

import hashlib
import math
import re
from array import array
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from monitor.text import words

NUM_PERM = 128
SEED = 20170503  # fixed: signatures are stored, so they must stay comparable across runs
SCHEME = "affine32"  # datasketch's 32-bit scheme: 4 bytes per hash value
SIGNATURE_BYTES = NUM_PERM * 4
MIN_WORDS = 8
SHORT_TEXT_WORDS = 60
_KEY_MASK = (1 << 63) - 1


def text_fingerprint(text: str) -> str:
    """Exact-duplicate key: sha1 of the normalised words (case, spacing, letter variants ignored)."""
    return hashlib.sha1(" ".join(words(text)).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # Building the permutations is the slow part of MinHash(); do it once and copy.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def shingles(tokens: list[str]) -> set[bytes]:
    """Word 5-shingles (3-shingles for short texts), as UTF-8 bytes."""
    size = 5 if len(tokens) >= SHORT_TEXT_WORDS else 3
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


def minhash_signature(text: str) -> bytes:
    """The text's MinHash as 128 little-endian uint32 values (512 bytes); b"" for tiny texts."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return b""
    minhash = _template().copy()
    minhash.update_batch(list(shingles(tokens)))
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def _signature_array(signature: bytes) -> np.ndarray:
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError(f"a signature is {SIGNATURE_BYTES} bytes, got {len(signature)}")
    return np.frombuffer(signature, dtype="<u4")


def _timestamp(published: datetime | None) -> float:
    """Seconds since the epoch (naive datetimes are UTC); NaN when unknown."""
    if published is None:
        return math.nan
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published.timestamp()


def _band_params(threshold: float) -> tuple[int, int]:
    """Bands and rows per band that datasketch picks for this threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


class _BandTable:
    """Open-addressing hash table (band hash -> row), in two flat arrays.

    datasketch's MinHashLSH keeps a Python set per bucket: about 8.5 KB per document
    at 25 bands, 850 MB for 100k documents. This table costs 12 bytes per slot,
    2 to 4 slots per entry.
    """

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._allocate(capacity)
        self._used = 0

    def _allocate(self, capacity: int) -> None:
        self._keys = array("Q", bytes(8 * capacity))
        self._rows = array("I", bytes(4 * capacity))  # row numbers < 2**32
        self._mask = capacity - 1

    def add(self, key: int, row: int) -> None:
        if 2 * (self._used + 1) > len(self._keys):
            self._grow()
        keys, i = self._keys, key & self._mask
        while keys[i]:
            i = (i + 1) & self._mask
        keys[i] = key
        self._rows[i] = row
        self._used += 1

    def find(self, key: int) -> list[int]:
        keys, rows, mask = self._keys, self._rows, self._mask
        found, i = [], key & mask
        while keys[i]:
            if keys[i] == key:
                found.append(rows[i])
            i = (i + 1) & mask
        return found

    def _grow(self) -> None:
        # Doubling keeps the load under 1/2, so probes stay short: amortised O(1) adds.
        old_keys, old_rows = self._keys, self._rows
        self._allocate(2 * len(old_keys))
        keys, rows, mask = self._keys, self._rows, self._mask
        for key, row in zip(old_keys, old_rows, strict=True):
            if not key:
                continue
            i = key & mask
            while keys[i]:
                i = (i + 1) & mask
            keys[i], rows[i] = key, row

    def nbytes(self) -> int:
        return len(self._keys) * (self._keys.itemsize + self._rows.itemsize)


class NearDuplicateIndex:
    """MinHash LSH over stored signatures, answering only within a window of published dates."""

    def __init__(self, threshold: float = 0.5, window_days: int = 3) -> None:
        self.threshold = threshold
        self.window_seconds = window_days * 86400.0
        self._bands, self._rows_per_band = _band_params(threshold)
        self._table = _BandTable()
        self._signatures = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._published = np.full(1024, math.nan)
        self._keys: list[int] = []
        self._live = np.zeros(1024, dtype=bool)
        self._row_of: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._row_of)

    def _band_keys(self, signature: bytes) -> list[int]:
        # One table serves all bands: the band number is part of the hashed key.
        # Python's hash is per-process, which is fine: the index lives in memory only.
        width = 4 * self._rows_per_band
        return [
            (hash((band, signature[band * width : (band + 1) * width])) & _KEY_MASK) or 1
            for band in range(self._bands)
        ]

    def _ensure_capacity(self, rows: int) -> None:
        if rows <= len(self._published):
            return
        extra = max(len(self._published), rows - len(self._published))  # doubling: amortised O(1) per add
        self._signatures = np.vstack([self._signatures, np.zeros((extra, NUM_PERM), np.uint32)])
        self._published = np.concatenate([self._published, np.full(extra, math.nan)])
        self._live = np.concatenate([self._live, np.zeros(extra, dtype=bool)])

    def add(self, key: int, signature: bytes, published: datetime | None) -> None:
        """Index one article copy; a signature of b"" (too short to compare) is ignored."""
        if not signature:
            return
        values = _signature_array(signature)
        if key in self._row_of:
            old = self._row_of[key]
            if np.array_equal(self._signatures[old], values):
                self._published[old] = _timestamp(published)
                return
            self._live[old] = False  # a changed text: the old row stays in the table, dead
        row = len(self._keys)
        self._ensure_capacity(row + 1)
        self._signatures[row] = values
        self._published[row] = _timestamp(published)
        self._live[row] = True
        self._keys.append(key)
        self._row_of[key] = row
        for band_key in self._band_keys(signature):
            self._table.add(band_key, row)

    def query(self, signature: bytes, published: datetime | None) -> list[tuple[int, float]]:
        """(key, estimated Jaccard) of indexed copies over the threshold, best first."""
        if not signature or not self._keys:
            return []
        values = _signature_array(signature)
        candidates = {row for band_key in self._band_keys(signature) for row in self._table.find(band_key)}
        if not candidates:
            return []
        rows = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        rows = rows[self._live[rows] & self._in_window(rows, _timestamp(published))]
        similarity = (self._signatures[rows] == values).mean(axis=1)
        keep = similarity >= self.threshold
        found = [
            (self._keys[r], float(s))
            for r, s in zip(rows[keep].tolist(), similarity[keep].tolist(), strict=True)
        ]
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def _in_window(self, rows: np.ndarray, when: float) -> np.ndarray:
        stamps = self._published[rows]
        if math.isnan(when):
            return np.ones(len(rows), dtype=bool)
        return np.isnan(stamps) | (np.abs(stamps - when) <= self.window_seconds)

    @classmethod
    def rebuild(
        cls, rows: Iterable[tuple[int, bytes, datetime | None]], **kwargs: float
    ) -> NearDuplicateIndex:
        """An index from stored (key, signature, published) rows, without re-shingling."""
        index = cls(**kwargs)  # type: ignore[arg-type]
        stored = list(rows)
        # One allocation, with room to grow, instead of repeated doubling of 100k-row arrays.
        index._ensure_capacity(len(stored) + len(stored) // 4 + 1024)
        for key, signature, published in stored:
            index.add(key, signature, published)
        return index

    def nbytes(self) -> int:
        """Approximate memory held by the arrays (the key dict and list come on top)."""
        return self._table.nbytes() + self._signatures.nbytes + self._published.nbytes + self._live.nbytes


# --- Wire-agency credits ---------------------------------------------------------------

AGENCY_NAMES: dict[str, str] = {
    "aa": r"AA|Anadolu\s+(?:Agency|Ajans[ıi])|(?:وكالة\s+)?الأناضول|(?:خبرگزاری\s+)?آناتولی|Анадолу",
    "tass": r"TASS|ТАСС|تاس",
    "irna": r"IRNA|ایرنا|إرنا|ИРНА",
    "sana": r"SANA|سانا|САНА",
    "ria": r"RIA(?:\s+Novosti)?|РИА(?:\s+Новости)?|ریا\s*نووستی|ريا\s+نوفوستي",
    "reuters": r"Reuters|رويترز|رویترز|Рейтер(?:с)?",
    "afp": r"AFP|Agence\s+France[-\s]Presse|فرانس\s+(?:برس|پرس)|Франс[-\s]Пресс|АФП",
}
# How a copy credits its agency (NAME is replaced by the agency's names).
CREDIT_FORMS = (
    r"[(\[/]\s*(?:NAME)\s*[)\]/]",  # (AA)  /TASS/  [Reuters]  (سانا)
    r"(?:^|\s)[—–-]{1,2}\s*(?:NAME)(?!\w)",  # "— TASS", "- سانا"
    r"(?<!\w)(?:NAME)(?:\s*[—–]|\s+-\s)",  # "TASS — Moscow ...", "Damascus, SANA - ..."
    r"(?i:Source|Sources|Kaynak|Источник|منبع|المصدر|Credit)\s*[:：]\s*(?:NAME)(?!\w)",
    r"(?i:according\s+to|reported\s+by|by|citing|via)\s+(?:the\s+)?(?:NAME)(?!\w)",
    r"(?i:сообщает|сообщили|передает|передаёт|по\s+данным|по\s+сообщению|со\s+ссылкой\s+на)\s+(?:агентств[оау]\s+)?[«\"]?(?:NAME)(?!\w)",
    r"به\s+گزارش\s+(?:خبرگزاری\s+)?(?:NAME)",
    r"(?:نقلا\s+عن|وفقا\s+ل|بحسب|حسب|ذكرت|أفادت)\s*(?:وكالة\s+)?(?:الأنباء\s+)?(?:NAME)",
    r"(?<!\w)(?:NAME)(?:['’]n[ıi]n)?\s+(?:muhabiri|haberine\s+göre)",
    r"(?<!\w)(?:NAME)['’]n[ıi]n(?!\w)",  # Turkish genitive in a lead: "AA'nın ... haberine göre"
    r"\A\W*(?:NAME)(?!\w)",  # the text opens with the agency: "ТАСС. ..."
    r"(?<!\w)(?:NAME)\W*\Z",  # or closes with it: "... ТАСС."
)
# Credits live in the dateline/lead and the sign-off; a name mid-article is a mention.
CREDIT_ZONE_CHARS = 400

START_FORM, END_FORM = CREDIT_FORMS[-2], CREDIT_FORMS[-1]


def _compile_credits(forms: Sequence[str]) -> dict[str, re.Pattern[str]]:
    return {
        agency: re.compile("|".join(form.replace("NAME", names) for form in forms))
        for agency, names in AGENCY_NAMES.items()
    }


_ALL_CREDITS = _compile_credits(CREDIT_FORMS)
# On a slice of a long text, \A or \Z would match at the cut: leave them out there.
_HEAD_CREDITS = _compile_credits([f for f in CREDIT_FORMS if f != END_FORM])
_TAIL_CREDITS = _compile_credits([f for f in CREDIT_FORMS if f != START_FORM])
# One cheap pass finds which agencies are named at all; only their credit patterns run.
_ANY_NAME = re.compile("|".join(f"(?P<{agency}>{names})" for agency, names in AGENCY_NAMES.items()))


def _credits(text: str, patterns: dict[str, re.Pattern[str]]) -> list[tuple[int, int, str]]:
    """(start, end, agency) of every credit-shaped match in the text."""
    named = {m.lastgroup for m in _ANY_NAME.finditer(text)}
    return [
        (m.start(), m.end(), agency)
        for agency, pattern in patterns.items()
        if agency in named
        for m in pattern.finditer(text)
    ]


def credited_agency(text: str) -> str | None:
    """The wire agency a copy credits, as a source id, or None.

    Only the first and last CREDIT_ZONE_CHARS characters are read: that is where
    datelines ("MOSCOW, May 3. /TASS/"), leads ("به گزارش ایرنا") and sign-offs
    ("(AA)", "— سانا") sit. "TASS reported last week that ..." deep inside an article
    is a mention, not a credit, and is ignored; at the very start it counts. The
    earliest credit in the head wins, else the last one in the tail.
    """
    text = text.strip()
    if not text:
        return None
    if len(text) <= 2 * CREDIT_ZONE_CHARS:
        found = _credits(text, _ALL_CREDITS)
        head = [(start, agency) for start, _, agency in found if start < CREDIT_ZONE_CHARS]
        tail = [(end, agency) for _, end, agency in found]
    else:
        head = [(start, agency) for start, _, agency in _credits(text[:CREDIT_ZONE_CHARS], _HEAD_CREDITS)]
        tail = [(end, agency) for _, end, agency in _credits(text[-CREDIT_ZONE_CHARS:], _TAIL_CREDITS)]
    if head:
        return min(head)[1]
    return max(tail)[1] if tail else None
