"""Spelling pinyin as index characters: the grouped, best-first walk finds what a full
scan of every character (any of its readings) finds, when both find them all."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.index.fts_terms import PINYIN_SEQUENCES, PINYIN_STEPS, HanVocabulary, pinyin_spellings
from tui.core.text.pinyin import readings

HAN = "生产力开源中文学习时间工具笔记搜索快速数据模型推理本地"




def _reference(term: str, tokens: list[str], cap: int = PINYIN_SEQUENCES) -> list[str]:
    """The walk as first written: scan every following char, keep those that fit."""
    chars = {ch for token in tokens for ch in token}
    following: dict[str, set[str]] = {}
    for token in tokens:
        if len(token) == 2:
            following.setdefault(token[0], set()).add(token[1])
    found: list[str] = []
    n = len(term)
    budget = [PINYIN_STEPS]

    def steps(ch: str, at: int, initials: bool) -> set[tuple[int, bool]]:
        out = set()
        for reading in readings(ch):
            if term[at] == reading[0]:
                out.add((at + 1, True))
            if not initials:
                if term.startswith(reading, at) and len(reading) > 1:
                    out.add((at + len(reading), False))
                elif at + len(reading) > n and reading.startswith(term[at:]) and n - at > 1:
                    out.add((n, False))
        return out

    def walk(spelled: str, at: int, initials: bool) -> None:
        if len(found) >= cap:
            return
        if at == n:
            found.append(spelled)
            return
        nexts = following.get(spelled[-1], ()) if spelled else chars
        for ch in sorted(nexts):
            if not any(r.startswith(term[at]) for r in readings(ch)):
                continue
            budget[0] -= 1
            if budget[0] < 0:
                return
            for after, as_initial in steps(ch, at, initials):
                walk(spelled + ch, after, initials or as_initial)
                if len(found) >= cap:
                    return

    walk("", 0, False)
    return list(dict.fromkeys(found))


def _syllables_first(term: str, spellings: list[str]) -> list[str]:
    """What the walk keeps: the spellings in whole syllables when there are any."""
    whole = [s for s in spellings if _in_syllables(term, s)]
    return whole or spellings


def _in_syllables(term: str, spelled: str) -> bool:
    """Whether `spelled` reads as `term` in whole syllables (the last may be cut short)."""
    if not spelled:
        return term == ""
    for reading in readings(spelled[0]):
        if len(reading) > 1 and term.startswith(reading) and _in_syllables(
                term[len(reading):], spelled[1:]):
            return True
        if len(spelled) == 1 and len(term) > 1 and reading.startswith(term):
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet=HAN, min_size=1, max_size=2), min_size=1, max_size=40),
    st.text(alphabet="shengchanlikaiyuzwxbjdmt", min_size=1, max_size=14),
)
def test_grouped_walk_finds_what_the_full_scan_found(tokens: list[str], term: str) -> None:
    reference = _reference(term, tokens, cap=10_000)
    found = pinyin_spellings(term, HanVocabulary.of(tokens))
    if len(reference) < PINYIN_SEQUENCES:  # past the cap, each keeps its own best
        assert set(found) == set(_syllables_first(term, reference))


def test_full_syllables_and_initials_both_spell_a_word() -> None:
    han = HanVocabulary.of(["生产", "产力"])
    assert "生产力" in pinyin_spellings("shengchanli", han)
    assert "生产力" in pinyin_spellings("scl", han)


def test_the_kept_vocabulary_reads_back_every_count() -> None:
    import marshal

    han = HanVocabulary.of(["生产", "产力", "\U00020000力"], {"生产": 5, "产力": 2})
    back = HanVocabulary.from_plain(marshal.loads(marshal.dumps(han.plain())))
    assert back == han
    assert dict(back.docs) == {"生产": 5, "产力": 2, "\U00020000力": 1, "生": 5, "产": 7,
                               "力": 3, "\U00020000": 1}
    assert back.docs.get("无", 0) == 0 and back.docs["产力"] == 2
    assert pinyin_spellings("shengchanli", back) == pinyin_spellings("shengchanli", han)


def test_the_han_vocabulary_is_kept_beside_the_cache_and_follows_new_bigrams(
    tmp_path: Path,
) -> None:
    from tui.core.search.searchable import SearchableIndex

    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# 笔记\n\n生产力工具\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = SearchableIndex(root, cache_dir=cache, jobs=1)
    first.refresh()
    assert "生产力" in pinyin_spellings("shengchanli", first.store.han_vocabulary())
    first.close()
    (kept,) = cache.glob("index-*.han-*.marshal")
    second = SearchableIndex(root, cache_dir=cache, jobs=1)
    assert second.store.han_vocabulary() == first.store.han_vocabulary()
    (root / "b.md").write_text("# 开源\n\n搜索引擎\n", encoding="utf-8")
    second.refresh()
    assert "搜索" in pinyin_spellings("sousuo", second.store.han_vocabulary())
    second.close()
    assert not kept.exists()  # replaced by the grown table's file
    assert len(list(cache.glob("index-*.han-*.marshal"))) == 1


def test_letters_no_syllables_then_initials_can_read_spell_nothing() -> None:
    han = HanVocabulary.of(["生产", "产力", "女生"])  # 女 reads nv
    assert pinyin_spellings("nvsc", han) == ["女生产"]  # a syllable, then initials
    assert pinyin_spellings("scnv", han) == []  # no reading starts with v
    assert pinyin_spellings("batching", han) == []  # no syllable tc, no initial i
