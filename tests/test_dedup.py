"""Tests for exact and near-duplicate detection and wire-agency credits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from monitor.dedup import (
    SIGNATURE_BYTES,
    NearDuplicateIndex,
    credited_agency,
    minhash_signature,
    text_fingerprint,
)

# A wire story (our own text), a syndicated copy with a new headline, one paragraph
# trimmed and a sentence added, and a different story about the same round.
WIRE = """Guarantor countries agree on de-escalation zones in Syria

ASTANA (AA) - Russia, Iran and Turkey signed a memorandum on Thursday to set up four de-escalation zones in Syria, at the end of the fourth round of talks in the Kazakh capital.

The document was signed by the heads of the three delegations after two days of meetings at a hotel in Astana. Under the plan, fighting between government forces and armed opposition groups is to stop inside the zones, and humanitarian aid is to reach civilians without obstacles.

The zones cover Idlib province and parts of the neighbouring provinces, an area north of Homs, Eastern Ghouta near Damascus, and parts of the south along the Jordanian border.

The armed opposition delegation briefly walked out of the plenary session in protest against continued air strikes, but several of its members returned to the hall before the signing ceremony.

Kazakh Foreign Minister Kairat Abdrakhmanov said the next meeting would be held in the middle of July and that working groups of experts would meet earlier to draw the exact borders of the zones.

The United Nations special envoy for Syria welcomed the agreement as a step towards a lasting ceasefire and said the political talks in Geneva would resume later in May.

Monitors from the guarantor countries are expected to be deployed along the lines of the zones within a month."""

COPY = """Russia, Iran, Turkey back four safe zones at Astana talks

ASTANA (AA) - Russia, Iran and Turkey signed a memorandum on Thursday to set up four de-escalation zones in Syria, at the end of the fourth round of talks in the Kazakh capital.

The document was signed by the heads of the three delegations after two days of meetings at a hotel in Astana. Under the plan, fighting between government forces and armed opposition groups is to stop inside the zones, and humanitarian aid is to reach civilians without obstacles.

The zones cover Idlib province and parts of the neighbouring provinces, an area north of Homs, Eastern Ghouta near Damascus, and parts of the south along the Jordanian border.

Kazakh Foreign Minister Kairat Abdrakhmanov said the next meeting would be held in the middle of July and that working groups of experts would meet earlier to draw the exact borders of the zones.

The United Nations special envoy for Syria welcomed the agreement as a step towards a lasting ceasefire and said the political talks in Geneva would resume later in May.

Monitors from the guarantor countries are expected to be deployed along the lines of the zones within a month. The United States, which attended as an observer, said it had concerns about the role of Iran as a guarantor."""

OTHER = """Syrian opposition suspends participation in Astana meeting

ASTANA - The delegation of the Syrian armed opposition said on Wednesday it was suspending its participation in the fourth round of talks in the Kazakh capital until government air strikes on rebel-held areas stop.

Members of the delegation left a session at the Rixos hotel, where the meetings are taking place, and told reporters that promises of a truce made at earlier rounds had not been kept by Damascus or its allies.

A spokesman said the opposition had handed the Russian side a list of towns that had been bombed since the previous meeting in March, and demanded guarantees before any new document is signed.

Russian envoy Alexander Lavrentiev said the talks would go on and that he expected the opposition to come back to the table on Thursday, when the guarantors plan to present a new proposal on safe areas.

The head of the Syrian government delegation, Bashar al-Jaafari, accused the opposition of trying to undermine the process and said his team had come to Astana to discuss the consolidation of the ceasefire, not political questions.

Diplomats said the Iranian and Turkish delegations held separate meetings with the opposition late into the evening to persuade it to return."""

MAY_3 = datetime(2017, 5, 3, 12, 0, tzinfo=UTC)


def test_fingerprint_ignores_case_spacing_and_letter_variants() -> None:
    assert text_fingerprint("Astana  talks\n\nROUND four") == text_fingerprint("astana talks round FOUR ")
    # Arabic yeh/kaf vs Persian yeh/keheh, zero-width non-joiner, Persian digits
    assert text_fingerprint("مذاكرات آستانه ۴") == text_fingerprint("مذاکرات آستانه 4")
    assert text_fingerprint("می\u200cشود") == text_fingerprint("میشود")
    assert text_fingerprint("Astana talks round four") != text_fingerprint("Astana talks round five")


def test_signature_is_512_bytes_and_deterministic() -> None:
    signature = minhash_signature(WIRE)
    assert len(signature) == SIGNATURE_BYTES == 512
    assert minhash_signature(WIRE) == signature
    assert minhash_signature(WIRE.upper()) == signature


def test_tiny_texts_have_no_signature() -> None:
    assert minhash_signature("Astana talks resume today") == b""
    assert minhash_signature("") == b""
    assert len(minhash_signature("one two three four five six seven eight nine")) == 512


def _index_with_wire() -> NearDuplicateIndex:
    index = NearDuplicateIndex()
    index.add(1, minhash_signature(WIRE), MAY_3)
    index.add(2, minhash_signature(OTHER), MAY_3)
    return index


def test_wire_copy_with_edits_is_found() -> None:
    found = _index_with_wire().query(minhash_signature(COPY), MAY_3 + timedelta(hours=5))
    assert [key for key, _ in found] == [1]
    assert 0.6 < found[0][1] <= 1.0


def test_different_story_on_the_same_round_is_not_a_duplicate() -> None:
    index = NearDuplicateIndex()
    index.add(1, minhash_signature(WIRE), MAY_3)
    assert index.query(minhash_signature(OTHER), MAY_3) == []


def test_results_are_best_first() -> None:
    index = _index_with_wire()
    index.add(3, minhash_signature(COPY), MAY_3)
    found = index.query(minhash_signature(WIRE), MAY_3)
    assert [key for key, _ in found] == [1, 3]
    assert found[0][1] == 1.0 > found[1][1]


def test_window_excludes_far_apart_dates() -> None:
    index = _index_with_wire()
    copy = minhash_signature(COPY)
    assert index.query(copy, MAY_3 + timedelta(days=2)) != []
    assert index.query(copy, MAY_3 + timedelta(days=4)) == []
    assert index.query(copy, MAY_3 - timedelta(days=30)) == []
    # unknown dates match anything, on either side
    assert index.query(copy, None) != []
    index.add(9, copy, None)
    assert [key for key, _ in index.query(copy, MAY_3 + timedelta(days=400))] == [9]


def test_naive_datetimes_are_utc() -> None:
    index = NearDuplicateIndex(window_days=1)
    index.add(1, minhash_signature(WIRE), datetime(2017, 5, 3, 12, 0))
    assert index.query(minhash_signature(COPY), MAY_3 + timedelta(hours=23)) != []
    assert index.query(minhash_signature(COPY), MAY_3 + timedelta(hours=25)) == []


def test_empty_signature_is_ignored() -> None:
    index = NearDuplicateIndex()
    index.add(1, b"", MAY_3)
    assert len(index) == 0
    assert index.query(b"", MAY_3) == []


def test_readding_a_key_replaces_its_text() -> None:
    index = _index_with_wire()
    index.add(1, minhash_signature(WIRE), MAY_3)
    assert len(index) == 2
    index.add(1, minhash_signature(OTHER), MAY_3)
    assert len(index) == 2
    assert index.query(minhash_signature(WIRE), MAY_3) == []


def _random_corpus(count: int) -> list[tuple[int, bytes, datetime | None]]:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(3000)]
    rows: list[tuple[int, bytes, datetime | None]] = []
    for key in range(count):
        text = " ".join(rng.choice(vocabulary) for _ in range(120))
        when = None if key % 10 == 0 else MAY_3 + timedelta(days=key % 9)
        rows.append((key, minhash_signature(text), when))
    return rows


def test_rebuild_answers_like_the_original() -> None:
    rows = _random_corpus(60)
    rows.append((100, minhash_signature(WIRE), MAY_3))
    rows.append((101, minhash_signature(COPY), MAY_3 + timedelta(days=1)))
    original = NearDuplicateIndex(threshold=0.5, window_days=2)
    for key, signature, when in rows:
        original.add(key, signature, when)
    rebuilt = NearDuplicateIndex.rebuild(iter(rows), threshold=0.5, window_days=2)
    assert len(rebuilt) == len(original) == len(rows)
    for _, signature, when in rows:
        assert rebuilt.query(signature, when) == original.query(signature, when)
    assert [k for k, _ in rebuilt.query(minhash_signature(WIRE), MAY_3)] == [100, 101]


def test_index_grows_past_its_initial_arrays() -> None:
    rng = np.random.default_rng(3)
    index = NearDuplicateIndex()
    signatures = rng.integers(0, 2**32 - 1, size=(3000, 128), dtype=np.uint32)
    for key, values in enumerate(signatures):
        index.add(key, values.astype("<u4").tobytes(), MAY_3)
    assert len(index) == 3000
    for key in (0, 1500, 2999):
        assert index.query(signatures[key].astype("<u4").tobytes(), MAY_3) == [(key, 1.0)]


def test_wrong_signature_size_is_an_error() -> None:
    with pytest.raises(ValueError, match="512 bytes"):
        NearDuplicateIndex().add(1, b"1234", MAY_3)


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        (WIRE, "aa"),
        ("ANKARA (AA) - Turkish officials said the talks would resume.", "aa"),
        ("The guarantors met again in the Kazakh capital, according to Anadolu Agency.", "aa"),
        ("Astana görüşmelerinin dördüncü turu sona erdi.\n\nKaynak: AA", "aa"),
        ("Astana'daki toplantıya katılan AA muhabirinin aktardığına göre heyetler bir araya geldi.", "aa"),
        ("أنقرة (الأناضول) - أعلنت الدول الضامنة عن اتفاق جديد.", "aa"),
        ("MOSCOW, May 3. /TASS/. Russian envoy Alexander Lavrentiev said the memorandum was ready.", "tass"),
        ("ТАСС. Переговоры в Астане завершились подписанием меморандума.", "tass"),
        ("Переговоры в Астане завершились подписанием меморандума, сообщает ТАСС.", "tass"),
        ("The fourth round closed with a memorandum on safe zones — TASS", "tass"),
        ("Iran's delegation arrived in Astana on Tuesday, according to IRNA.", "irna"),
        ("به گزارش ایرنا، دور چهارم مذاکرات آستانه امروز آغاز شد.", "irna"),
        ("تهران /ایرنا/ - دور چهارم مذاکرات آستانه امروز آغاز شد.", "irna"),
        ("دمشق (سانا) - اختتمت الجولة الرابعة من محادثات أستانا.", "sana"),
        ("اختتمت الجولة الرابعة من محادثات أستانا اليوم بتوقيع مذكرة. — سانا", "sana"),
        ("Damascus, SANA - The fourth round of the Astana talks ended today.", "sana"),
        ("Sana bir şey söyleyeceğim: Astana görüşmeleri yarın başlıyor ve uzun sürecek.", None),
        ("Damascus (SANA) - The fourth round of the Astana talks ended today.", "sana"),
        ("Переговоры в Астане продолжатся в июле, передает РИА Новости.", "ria"),
        ("The talks will resume in July, a diplomat told reporters (Reuters)", "reuters"),
        ("BEIRUT (AFP) - Syrian rebels said they would return to the table.", "afp"),
        ("The talks ended with a memorandum on four zones in Syria.", None),
        ("", None),
    ],
)
def test_credited_agency(text: str, agency: str | None) -> None:
    assert credited_agency(text) == agency


def test_mid_article_mention_is_not_a_credit() -> None:
    filler = "The delegations met in the hall of the hotel and discussed the zones at length. " * 8
    text = filler + "TASS reported last week that the next round would be held in July. " + filler
    assert credited_agency(text) is None
    # the same sentence opening the copy is a credit
    assert credited_agency("TASS reported that the next round would be held in July. " + filler) == "tass"
    # and the sign-off still wins over a mention
    assert credited_agency(text + "(IRNA)") == "irna"


def test_earliest_head_credit_wins() -> None:
    assert credited_agency("MOSCOW /TASS/ - Citing Reuters, officials said the talks ended.") == "tass"
    assert credited_agency("Citing Reuters, officials in Moscow /TASS/ said the talks ended.") == "reuters"
