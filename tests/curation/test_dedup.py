"""Unit tests of rewardkit.curation.dedup: normalisation, exact duplicates, API contracts."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import pytest
from pydantic import ValidationError

from rewardkit.curation.dedup import (
    DedupConfig,
    Leak,
    dedup,
    dedup_preferences,
    find_leaks,
    normalize_text,
    shingle_set,
)
from rewardkit.data.records import ChatMessage, PreferenceItem
from rewardkit.errors import DataError

WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
]


def fullwidth(text: str) -> str:
    """ASCII -> full-width forms (U+FF01..U+FF5E, ideographic space), which NFKC maps back."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text
    )


def ref_normalize(text: str) -> str:
    """Independent re-implementation: per-character category test instead of a table."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    kept = "".join(ch for ch in folded if not unicodedata.category(ch).startswith("P"))
    return " ".join(kept.split())


def ref_jaccard(a: str, b: str, n: int = 3) -> float:
    def grams(t: str) -> set[tuple[str, ...]]:
        w = ref_normalize(t).split()
        return (
            {tuple(w)} if 0 < len(w) <= n else {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}
        )

    sa, sb = grams(a), grams(b)
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hello,   WORLD!\n\t", "hello world"),
        (fullwidth("Full-width TEXT123"), "fullwidth text123"),
        ("“Quoted” — ¿qué? «oui» 「かな」", "quoted qué oui かな"),
        ("ﬁne STRASSE straße", "fine strasse strasse"),
        ("price: $5 + 3 = 8 🙂", "price $5 + 3 = 8 🙂"),
        ("don't  stop_me-now", "dont stopmenow"),
        ("", ""),
        ("?!... ,", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_matches_independent_implementation_on_random_unicode() -> None:
    rng = random.Random(3)
    blocks = [(0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x3000, 0x30FF), (0xFF00, 0xFFEF)]
    for _ in range(2000):
        text = "".join(chr(rng.randint(*rng.choice(blocks))) for _ in range(rng.randint(0, 30)))
        assert normalize_text(text) == ref_normalize(text)


def test_exact_duplicates_after_normalisation_have_similarity_one() -> None:
    texts = [
        "Hello, World! How are you today?",
        "  hello   world how ARE you today  ",
        "HELLO WORLD?! HOW ARE YOU TODAY...",
        fullwidth("Hello, World! How are you today?"),
        "“Hello” — world, how are you; today",
        "Something entirely different from the greeting.",
    ]
    ids = [f"t{i}" for i in range(len(texts))]
    res = dedup(ids, texts)
    assert res.kept_ids == ("t0", "t5")
    assert [(r.id, r.duplicate_of, r.similarity, r.kind) for r in res.removed] == [
        (f"t{i}", "t0", 1.0, "exact") for i in range(1, 5)
    ]
    assert (res.n_exact, res.n_near) == (4, 0)
    assert [(p.a, p.b, p.similarity, p.kind) for p in res.pairs] == [
        ("t0", f"t{i}", 1.0, "exact") for i in range(1, 5)
    ]


def test_empty_texts_are_exact_duplicates_of_each_other_only() -> None:
    res = dedup(["a", "b", "c", "d", "e"], ["", "   ", "x", "?!", "x y z"])
    assert res.kept_ids == ("a", "c", "e")
    assert {(r.id, r.duplicate_of, r.kind) for r in res.removed} == {
        ("b", "a", "exact"),
        ("d", "a", "exact"),
    }
    assert dedup([], []).to_json()["n_input"] == 0


def test_near_duplicate_pair_reports_exact_jaccard() -> None:
    base = " ".join(WORDS)  # 26 words
    edited = base.replace("zulu", "ZULUS!")
    res = dedup(["x", "y"], [base, edited])
    assert res.kept_ids == ("x",)
    (removed,) = res.removed
    assert removed.kind == "near"
    assert removed.duplicate_of == "x"
    assert removed.similarity == pytest.approx(ref_jaccard(base, edited), abs=0)
    assert res.pairs[0].similarity == removed.similarity >= 0.8


def test_transitive_cluster_reports_similarity_to_representative() -> None:
    words = [f"w{i}" for i in range(40)]
    a = " ".join(words)
    b = " ".join([*words[:30], "x1", *words[31:]])
    c = " ".join([*words[:30], "x1", *words[31:35], "x2", *words[36:], "x3"])
    sims = ref_jaccard(a, b), ref_jaccard(b, c), ref_jaccard(a, c)
    assert sims[0] >= 0.8
    assert sims[1] >= 0.8
    assert sims[2] < 0.8
    res = dedup(["a", "b", "c"], [a, b, c])
    assert res.kept_ids == ("a",)
    assert {r.id: r.similarity for r in res.removed} == {"b": sims[0], "c": sims[2]}
    assert res.clusters() == {"a": ("a", "b", "c")}
    assert {(p.a, p.b) for p in res.pairs} == {("a", "b"), ("b", "c")}


def test_keep_longest_keeps_longest_original_text() -> None:
    texts = ["Hi there, friend!", "hi there friend", "HI THERE, FRIEND!!!", "other"]
    res = dedup(list("abcd"), texts, DedupConfig(keep="longest"))
    assert res.kept_ids == ("c", "d")
    assert {r.duplicate_of for r in res.removed} == {"c"}
    tie = dedup(["p", "q"], ["Same.", "same!"], DedupConfig(keep="longest"))
    assert tie.kept_ids == ("p",)  # equally long: the earliest


def test_verify_false_reports_minhash_estimate() -> None:
    base = " ".join(f"w{i}" for i in range(60))
    edited = base.replace("w30", "zz")
    res = dedup(["x", "y"], [base, edited], DedupConfig(verify=False))
    (removed,) = res.removed
    assert removed.kind == "near"
    assert removed.similarity == pytest.approx(ref_jaccard(base, edited), abs=0.12)
    assert removed.similarity * 128 == int(removed.similarity * 128)  # a share of 128


def test_char_shingles() -> None:
    cfg = DedupConfig(shingle="char", shingle_size=5)
    res = dedup(
        ["a", "b", "c"],
        [
            "The quick brown fox jumps over the lazy dog.",
            "the quick brown fox jumps over the lazy dogs",
            "zzz",
        ],
        cfg,
    )
    assert res.kept_ids == ("a", "c")
    assert sorted(shingle_set("abcdef", "char", 5)) == ["abcde", "bcdef"]


@pytest.mark.parametrize("shingle", ["word", "char"])
def test_lone_surrogates_do_not_crash(shingle: str) -> None:
    texts = ["broken \ud800 text here now", "Broken \ud800 text here now!", "other"]
    res = dedup(["a", "b", "c"], texts, DedupConfig(shingle=shingle))  # type: ignore[arg-type]
    assert res.kept_ids == ("a", "c")


def test_invalid_inputs_raise_data_error() -> None:
    with pytest.raises(DataError, match="duplicate id 'a'"):
        dedup(["a", "b", "a"], ["x", "y", "z"])
    with pytest.raises(DataError, match="2 ids but 1 texts"):
        dedup(["a", "b"], ["x"])
    with pytest.raises(DataError, match="not a string"):
        dedup(["a"], [None])  # type: ignore[list-item]
    with pytest.raises(DataError, match="test: duplicate id"):
        find_leaks(["a"], ["x"], ["q", "q"], ["y", "z"])


def test_config_is_strict_and_frozen() -> None:
    with pytest.raises(ValidationError):
        DedupConfig(threshold=0.0)
    with pytest.raises(ValidationError):
        DedupConfig(shingle="token")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        DedupConfig(unknown=1)  # type: ignore[call-arg]
    cfg = DedupConfig()
    with pytest.raises(ValidationError):
        cfg.threshold = 0.5  # type: ignore[misc]


def test_to_json_shape_and_atomic_write(tmp_path: Path) -> None:
    res = dedup(["a", "b", "c"], ["One two three.", "one two three", "four"])
    doc = res.to_json()
    assert list(doc) == [
        "config", "lsh", "n_input", "n_kept", "n_removed", "n_exact", "n_near", "removed", "pairs",
    ]  # fmt: skip
    assert doc["config"] == DedupConfig().model_dump()
    assert (doc["n_input"], doc["n_kept"], doc["n_removed"]) == (3, 2, 1)
    assert doc["removed"] == [{"id": "b", "duplicate_of": "a", "similarity": 1.0, "kind": "exact"}]
    res.write_json(tmp_path / "dedup.json")
    assert json.loads((tmp_path / "dedup.json").read_text(encoding="utf-8")) == doc


def _item(item_id: str, prompt: str | tuple[ChatMessage, ...]) -> PreferenceItem:
    return PreferenceItem(item_id, prompt, (f"good {item_id}",), (f"bad {item_id}",))


def test_dedup_preferences_groups_items_of_one_prompt() -> None:
    conv = (ChatMessage("user", "How do I boil an egg?"), ChatMessage("assistant", "Boil it."))
    conv_variant = (
        ChatMessage("user", "how do I boil an egg"),
        ChatMessage("assistant", "Boil it!"),
    )
    items = [
        _item("1", "What is the capital of France?"),
        _item("2", "What is the capital of France?"),  # same prompt: not a duplicate
        _item("3", conv),
        _item("4", "what is the capital of FRANCE"),  # exact duplicate prompt of 1
        _item("5", conv_variant),  # duplicate conversation of 3
        _item("6", conv_variant),
        _item("7", "Name a prime number."),
    ]
    kept, res = dedup_preferences(items)
    assert [it.id for it in kept] == ["1", "2", "3", "7"]
    assert res.n_input == 5  # distinct prompt strings
    assert [(r.id, r.duplicate_of, r.kind) for r in res.removed] == [
        ("4", "1", "exact"),
        ("5", "3", "exact"),
    ]
    with pytest.raises(DataError, match="duplicate item id"):
        dedup_preferences([_item("1", "a"), _item("1", "b")])


def test_find_leaks_small() -> None:
    train = ["What is the capital of France?", " ".join(WORDS), "Unrelated training text."]
    test = [
        "what is the capital of france",
        " ".join(WORDS).replace("zulu", "zulus"),
        "A fresh question nobody asked.",
        "",
    ]
    leaks = find_leaks(["t0", "t1", "t2"], train, ["q0", "q1", "q2", "q3"], test)
    assert leaks == (
        Leak("q0", "t0", 1.0, "exact"),
        Leak("q1", "t1", ref_jaccard(train[1], test[1]), "near"),
    )
    assert find_leaks([], [], ["q"], ["x"]) == ()
    assert find_leaks(["t"], [""], ["q"], [""]) == (Leak("q", "t", 1.0, "exact"),)
