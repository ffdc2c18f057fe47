"""Tweet digests: `### N` blocks with 作者/时间/链接/互动 (or English) labels become tweets."""

from __future__ import annotations

from pathlib import Path

from tui.core.ingest.entry import split_lines
from tui.core.ingest.tweet_digest import extract_digest_tweets, normalize_date, parse_count

DIGEST = """\
# Someone's tweets 2024

Intro paragraph that is not a tweet.

### 7

作者: @pat_codes
时间: 2024-04-17
链接: https://x.com/pat_codes/status/1780000000000000001
互动: Likes: 1,136; Retweets: 72; Replies: 13; Quotes: 2

Grep is the first search engine everybody should learn.

grep 是每个人都应该先学会的搜索引擎。


### 8

作者：@pat_codes
时间：2024-04-18
链接：https://x.com/pat_codes/status/1780000000000000002
互动：Likes: 29; Replies: 2

Second tweet, no retweets recorded.

第二条推文。
"""


def _tweets(text: str, rel: str = "tweets/pat.md"):
    return extract_digest_tweets(rel, split_lines(text))


def test_digest_blocks_become_tweets_with_typed_counts() -> None:
    first, second = _tweets(DIGEST)
    assert first.kind == "tweet"
    assert first.id == "tweets/pat.md#status/1780000000000000001"
    assert first.title == "Grep is the first search engine everybody should learn."
    assert first.breadcrumb == "pat.md › #7"
    assert first.meta == {
        "author": "pat_codes",
        "date": "2024-04-17",
        "url": "https://x.com/pat_codes/status/1780000000000000001",
        "likes": 1136,
        "retweets": 72,
        "replies": 13,
        "quotes": 2,
        "number": 7,
    }
    # Full-width colons work too, and missing counts are 0, not absent.
    assert second.meta["author"] == "pat_codes"
    assert (second.meta["likes"], second.meta["retweets"], second.meta["quotes"]) == (29, 0, 0)


def test_block_spans_heading_to_last_text_line_including_translation() -> None:
    lines = split_lines(DIGEST)
    first, second = _tweets(DIGEST)
    assert lines[first.line - 1] == "### 7"
    assert lines[first.end_line - 1] == "grep 是每个人都应该先学会的搜索引擎。"
    assert "grep 是每个人都应该先学会的搜索引擎" in first.text
    assert "Grep is the first" in first.text
    assert lines[second.end_line - 1] == "第二条推文。"


def test_ids_survive_a_tweet_inserted_above() -> None:
    before = {t.title: t.id for t in _tweets(DIGEST)}
    inserted = DIGEST.replace(
        "### 7",
        "### 6\n\n作者: @pat_codes\n链接: https://x.com/pat_codes/status/1779999999999999999\n\n"
        "A new first tweet.\n\n### 7",
    )
    after = {t.title: t.id for t in _tweets(inserted)}
    assert len(after) == 3
    for title, tweet_id in before.items():
        assert after[title] == tweet_id


def test_english_labels_and_separate_likes_line() -> None:
    text = """\
### 1

Author: @sam
Date: 2024-12-31T09:15:00Z
Link: https://twitter.com/sam/status/42
Likes: 1.2K
Retweets: 3

Hello from English labels.

### 2

Author: Sam Example (@sam)
Date: 2024/5/6
Engagement: Likes: 12; Retweets: 1; Replies: 4

No link here.
"""
    first, second = _tweets(text, "t.md")
    assert first.id == "t.md#status/42"
    assert first.meta["likes"] == 1200
    assert first.meta["retweets"] == 3
    assert first.meta["date"] == "2024-12-31T09:15:00+00:00"
    assert first.meta["url"] == "https://twitter.com/sam/status/42"
    # Without a link the number is the only handle we have.
    assert second.id == "t.md#tweet/2"
    assert second.meta["author"] == "sam"
    assert second.meta["date"] == "2024-05-06"
    assert (second.meta["likes"], second.meta["replies"]) == (12, 4)


def test_plain_numbered_headings_are_not_tweets() -> None:
    text = "## Plan\n\n### 1\n\nBuy milk.\n\n### 2\n\nLikes: 3\n\nNot a tweet either.\n"
    assert _tweets(text) == []


def test_block_ends_at_next_section_but_keeps_long_form_titles() -> None:
    text = """\
### 1

作者: @pat
链接: https://x.com/pat/status/1

# A long-form post title

Body of the long post.

## My own notes

Unrelated section.
"""
    (tweet,) = _tweets(text)
    assert tweet.title == "A long-form post title"
    assert "Body of the long post." in tweet.text
    assert "Unrelated section" not in tweet.text
    assert split_lines(text)[tweet.end_line - 1] == "Body of the long post."


def test_count_and_date_normalisation() -> None:
    assert parse_count("1,136") == 1136
    assert parse_count("1.2K") == 1200
    assert parse_count("3万") == 30000
    assert parse_count("") == 0
    assert normalize_date("Wed Apr 17 08:01:02 +0000 2024") == "2024-04-17T08:01:02+00:00"
    assert normalize_date("2024-04-17 08:01") == "2024-04-17T08:01:00"
    assert normalize_date("sometime in spring") == "sometime in spring"


def test_example_digest(example_notes: Path) -> None:
    path = example_notes / "tweets" / "digest-2024.md"
    tweets = extract_digest_tweets("tweets/digest-2024.md", split_lines(path.read_text("utf-8")))
    assert len(tweets) == 44
    assert all(t.meta["author"] and t.meta["url"] and t.meta["date"] for t in tweets)
    assert len({t.id for t in tweets}) == 44
    by_likes = {t.meta["likes"]: t for t in tweets}
    assert "productivity theater" in by_likes[2345].title
    english = [t for t in tweets if t.meta["url"].startswith("https://twitter.com/")]
    assert len(english) == 3
    assert english[1].meta["likes"] == 1020
    # The digest's trailing `## 备注` section is not part of the last tweet.
    assert "备注" not in tweets[-1].text


def test_sample_karpathy_digest(sample_notes: Path) -> None:
    path = sample_notes / "tweets" / "karpathy-2024.md"
    tweets = extract_digest_tweets("tweets/karpathy-2024.md", split_lines(path.read_text("utf-8")))
    assert len(tweets) == 602
    assert len({t.id for t in tweets}) == 602
    for tweet in tweets:
        assert tweet.meta["author"]
        assert tweet.meta["date"]
        assert tweet.meta["url"].startswith("https://x.com/")
        assert isinstance(tweet.meta["likes"], int)
        assert tweet.title and not tweet.title.isdigit()
    by_number = {t.meta["number"]: t for t in tweets}
    assert by_number[183].meta["likes"] == 1248
    assert by_number[183].id == "tweets/karpathy-2024.md#status/1780730292837507092"
    assert by_number[182].meta["retweets"] == 0
