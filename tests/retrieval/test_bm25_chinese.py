"""The keyword leg in Chinese: jieba segments CJK runs; English is split exactly as before."""

from __future__ import annotations

import re

import bm25s
import numpy as np
import pytest
from bm25s.tokenization import Tokenizer

from retrieval.bm25 import BM25Index, s_stem, split_words

# A small Chinese-language catalog: position i is product i.
CHINESE_CATALOG = [
    "北峰 羽绒睡袋 零下10度 露营 保暖",  # 0 sleeping bag
    "山行者 登山鞋 防水 真皮 中帮",  # 1 hiking boots
    "晨光 意式咖啡机 15bar 不锈钢",  # 2 espresso machine
    "北峰 双人帐篷 三季 防雨",  # 3 tent
    "快跑 跑步鞋 轻便 透气 网面",  # 4 running shoes
    "Clickwell 无线鼠标 带侧键 静音",  # 5 mouse, a Latin brand in Chinese text
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("睡袋", 0),
        ("推荐一双登山鞋", 1),
        ("我想买一个200美元以下的帐篷", 3),
        ("意式咖啡机", 2),
        ("带侧键的无线鼠标", 5),
        ("clickwell鼠标", 5),
    ],
)
def test_chinese_queries_find_chinese_products(query: str, expected: int) -> None:
    index = BM25Index(CHINESE_CATALOG)
    assert index.top(query, k=3)[0][0] == expected


def test_a_compound_word_matches_its_parts() -> None:
    # search mode yields 登山 as well as 登山鞋, so "登山" alone finds the boots
    assert [pos for pos, _ in BM25Index(CHINESE_CATALOG).top("登山", k=5)] == [1]


def test_shopping_filler_matches_nothing() -> None:
    index = BM25Index(CHINESE_CATALOG)
    assert index.top("我想买一个", k=5) == []


def test_chinese_words_are_segmented_and_latin_parts_split_as_english() -> None:
    assert split_words("northpeak羽绒睡袋，零下10度") == [
        "northpeak",
        "羽绒",
        "睡袋",
        "零下",
        "10",
        "度",
    ]
    assert split_words("防水的无锁版手机，1tb存储") == [
        "防水",
        "的",
        "无锁版",
        "手机",
        "1tb",
        "存储",
    ]


ENGLISH = [
    "Paceline Bolt Men's Max Cushion Running Shoe\nBrand: Paceline",
    "gender: men's; terrain: road; drop mm: 8; weight g: 310 — 4K UHD 3840 x 2160, USB-C 65 W",
    "Crisp, smooth & easy on the eyes: the Vivid Plus by Arcbyte (24-inch/27-inch) is a favorite.",
    "waterproof trail running shoes under $100",
    "a b c x1 ñandú café",
]


def test_english_splitting_is_unchanged() -> None:
    default = re.compile(r"(?u)\b\w\w+\b").findall  # bm25s's own default splitter
    for text in ENGLISH:
        assert split_words(text.lower()) == default(text.lower())


def test_english_scores_are_unchanged() -> None:
    index = BM25Index(ENGLISH)
    before = Tokenizer(stopwords="en", stemmer=s_stem)
    corpus = before.tokenize(ENGLISH, update_vocab=True, return_as="tuple", show_progress=False)
    reference = bm25s.BM25()
    reference.index(corpus, show_progress=False)
    for query in ("running shoes", "usb-c 4k", "arcbyte favorite eyes"):
        ids = before.tokenize([query], update_vocab=False, return_as="ids", show_progress=False)
        empty = before.get_vocab_dict().get("")
        want = reference.get_scores_from_ids([i for i in ids[0] if i != empty])
        np.testing.assert_allclose(index.scores(query), want, rtol=1e-6)
