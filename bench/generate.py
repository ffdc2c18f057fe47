"""Synthetic notes trees for benchmarking: markdown notes, tweet digests, plain text.

`generate_tree(root, entries, seed)` writes roughly `entries` searchable entries
(markdown sections, digest tweets, plain-text sections) spread over nested
directories, with Zipf-distributed mixed English/Chinese vocabulary and a few
planted rare phrases so benchmark queries have known targets. Output depends only
on `entries` and `seed`. Text is drawn as slices of pre-generated token pools and
each file is written with one big join, so 1M entries take well under a minute.

    python -m bench.generate DIR --entries 100000 [--seed 0]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = ".bench-manifest.json"


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a literal block."""
    return text.split()


# Entry shares by kind; the rest of the tree's shape follows from these.
TWEET_SHARE = 0.40
TEXT_SHARE = 0.10
TWEETS_PER_DIGEST = 500
FILES_PER_DIR = 40

COMMON_WORDS = _words("""
the of and to in is that for it as with was on be by this are from at or have an not
but which they you were all one can there their has more will if about what when would
so up out them some into other time than then only its over also two new like just
first these may any our well most way even because people work through back much
before where after make good each those very long many such still use own while
here both between same life under never last might find great old world year show
three number day part take place small end again give high help line set write keep
point come thought move study learn change light kind need house picture try answer
build hold read plan open seem together next begin state once book hear stop without
second later idea enough eat face watch far real almost let above girl sometimes
mountain cut young talk soon list song being leave family body music color stand
question fish area mark horse birds problem complete room knew since ever piece told
usually friends easy heard order red door sure become top ship across today during
short better best however low hours black products happened whole measure remember
early waves reached listen wind rock space covered fast several hold himself toward
five step morning passed vowel true hundred against pattern table north slowly money
map farm pulled draw voice power town fine drive simple cause explain slow center
""")

TECH_TERMS = _words("""
ai llm gpu cpu rag kv api sql git vim rust python tensor kernel cache token
embedding transformer attention inference training dataset benchmark latency
throughput compiler runtime scheduler pipeline gradient optimizer quantization
distillation pruning sparse dense vector index retrieval prompt agent decoder
encoder softmax batch shard replica cluster container kubernetes docker linux
terminal shell editor plugin parser lexer regex unicode memory thread process
async socket protocol http json yaml markdown database query search ranking
fuzzy typo pinyin model weights checkpoint finetune lora moe diffusion vision
audio speech robot reward policy rollout eval metric loss epoch layer norm
""")

HOT_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年"
    "动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化"
    "高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天"
    "政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向"
    "道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革"
    "位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角"
    "期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热"
    "领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风"
    "切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马"
    "节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书"
    "布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历"
    "市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派"
    "层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严模训练推检索向"
)

SYLLABLE_ONSETS = _words("b c d f g h j k l m n p r s t v w z br cl dr fl gr pl pr sh st th tr ch")
SYLLABLE_VOWELS = _words("a e i o u ai ea ee io ou oa ie")
SYLLABLE_CODAS = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "st", "ck", "ng", "x"]

# Rare words and phrases; none of them can come out of the vocabulary above.
PLANTED_WORDS = (
    "vexillology", "quokkasort", "marzipanic", "obsidianite",
    "zeppelinqueue", "fjordmesh", "kumquatcache", "nebulithic",
)
PLANTED_PHRASES = (
    "quokkasort beats radix tree batching",
    "fjordmesh routing for sparse experts",
    "kumquatcache eviction under memory pressure",
    "nebulithic scheduler with warm replicas",
    "marzipanic gradient clipping during finetune",
)
PLANTED_ZH = ("量子退火", "光子芯片", "梯度裁剪", "向量检索", "知识蒸馏")
TWEET_TOPICS_EN = ("thread", "release", "paper", "demo", "benchmark", "lesson", "hot take")
DIGEST_LABELS = ("Likes", "Retweets", "Replies")


@dataclass(slots=True)
class GeneratedTree:
    """What `generate_tree` wrote: counts plus the vocabulary queries can draw on."""

    root: str
    seed: int
    requested_entries: int
    expected_entries: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)
    planted_words: list[str] = field(default_factory=list)
    planted_phrases: list[str] = field(default_factory=list)
    planted_zh: list[str] = field(default_factory=list)
    common_en: list[str] = field(default_factory=list)
    tech_terms: list[str] = field(default_factory=list)
    common_zh: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> GeneratedTree:
        return cls(**json.loads(text))


def _zipf_cum(n: int, s: float = 1.0, q: float = 8.0) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights 1/(r+q)^s for ranks 1..n (`cum_weights=`)."""
    return list(itertools.accumulate(1.0 / ((r + q) ** s) for r in range(1, n + 1)))


def _gb2312_level1() -> list[str]:
    """The 3,755 most common Han chars (GB2312 level 1), in code order."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            chars.append(ch)
    return chars


class _Vocab:
    """Token pools and name lists for one seed."""

    def __init__(self, rng: random.Random) -> None:
        synthetic: dict[str, None] = {}
        while len(synthetic) < 3000:
            onsets, vowels, codas = SYLLABLE_ONSETS, SYLLABLE_VOWELS, SYLLABLE_CODAS
            parts = [
                rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                for _ in range(rng.choice((1, 2, 2, 2, 3, 3)))
            ]
            word = "".join(parts)
            if 3 <= len(word) <= 12:
                synthetic[word] = None
        function_words = COMMON_WORDS[:30]
        real = list(dict.fromkeys(COMMON_WORDS[30:] + TECH_TERMS))
        rng.shuffle(real)
        real_set = set(real)
        synth = [w for w in synthetic if w not in real_set]
        # Real words take most top ranks, synthetic words fill in and make the tail.
        en = real[:250] + synth[:150]
        rng.shuffle(en)
        en = function_words + en + real[250:] + synth[150:]
        self.en = en
        # Han chars: hand-picked frequent ones first, then a sample of GB2312 level 1.
        hot = list(dict.fromkeys(HOT_CHARS))
        hot_set = set(hot)
        rest = [c for c in _gb2312_level1() if c not in hot_set]
        chars = hot + rng.sample(rest, max(0, 1500 - len(hot)))
        char_cum = _zipf_cum(len(chars), 1.0, 20.0)
        zh: dict[str, None] = {}
        while len(zh) < 4000:
            size = rng.choice((2, 2, 2, 2, 3, 3, 4))
            zh["".join(rng.choices(chars, cum_weights=char_cum, k=size))] = None
        self.zh = [w for w in zh if w not in PLANTED_ZH]
        self.en_pool = rng.choices(self.en, cum_weights=_zipf_cum(len(self.en)), k=1 << 20)
        zh_cum = _zipf_cum(len(self.zh), 1.0, 4.0)
        self.zh_pool = rng.choices(self.zh, cum_weights=zh_cum, k=1 << 19)
        self.tech_pool = rng.choices(TECH_TERMS, k=1 << 14)
        self.handles = list(
            dict.fromkeys(
                f"{rng.choice(synth)}{rng.choice(('', '_', '_ai', 'dev', str(rng.randrange(99))))}"
                for _ in range(300)
            )
        )[:200]
        self.dirs = synth[400:520]


class _Writer:
    """Text builders over one vocabulary and random stream."""

    def __init__(self, rng: random.Random, vocab: _Vocab) -> None:
        self.rng = rng
        self.v = vocab
        self.status = 1_700_000_000_000_000_000
        self.plants: list[str] = []  # pending planted snippets, consumed by paragraphs
        self.plant_rate = 8

    def en_line(self, lo: int = 8, hi: int = 18) -> str:
        rnd = self.rng.randrange
        n = lo + rnd(hi - lo)
        o = rnd(len(self.v.en_pool) - n)
        words = self.v.en_pool[o : o + n]
        if rnd(4) == 0:
            words[rnd(n)] = self.v.tech_pool[rnd(len(self.v.tech_pool))]
        line = " ".join(words)
        return line[0].upper() + line[1:] + "."

    def zh_line(self, lo: int = 6, hi: int = 16) -> str:
        rnd = self.rng.randrange
        n = lo + rnd(hi - lo)
        o = rnd(len(self.v.zh_pool) - n)
        words = self.v.zh_pool[o : o + n]
        if rnd(3) == 0:
            words.insert(rnd(n), f" {self.v.tech_pool[rnd(len(self.v.tech_pool))]} ")
        cut = rnd(n)
        return "".join(words[:cut]) + "，" + "".join(words[cut:]) + "。"

    def line(self, zh_share: int) -> str:
        """One line; Chinese with probability zh_share/10. May carry a planted phrase."""
        text = self.zh_line() if self.rng.randrange(10) < zh_share else self.en_line()
        if self.plants and self.rng.randrange(self.plant_rate) == 0:
            plant = self.plants.pop()
            text = f"{text} {plant}" if plant.isascii() else f"{text}关于{plant}。"
        return text

    def paragraph(self, zh_share: int) -> list[str]:
        return [self.line(zh_share) for _ in range(2 + self.rng.randrange(5))]

    def title(self, zh: bool) -> str:
        rnd = self.rng.randrange
        if zh:
            o = rnd(len(self.v.zh_pool) - 3)
            return "".join(self.v.zh_pool[o : o + 1 + rnd(3)])
        n = 2 + rnd(4)
        o = rnd(len(self.v.en_pool) - n)
        words = self.v.en_pool[o : o + n]
        if rnd(3) == 0:
            words[0] = self.v.tech_pool[rnd(len(self.v.tech_pool))]
        return " ".join(words).capitalize()

    def date(self) -> str:
        rnd = self.rng.randrange
        return f"{2019 + rnd(7)}-{1 + rnd(12):02d}-{1 + rnd(28):02d}"

    def count(self, scale: float) -> str:
        n = int(self.rng.paretovariate(1.1) * scale) - int(scale)
        if n >= 10_000 and self.rng.randrange(3) == 0:
            return f"{n / 1000:.1f}K"
        return f"{n:,}"

    # -- files -----------------------------------------------------------------

    def markdown(self, sections: int) -> tuple[str, int]:
        rnd = self.rng.randrange
        zh_share = rnd(11)
        out: list[str] = []
        title = self.title(zh_share > 5)
        if rnd(3) == 0:  # a Hugo post
            tags = ", ".join(f'"{self.v.tech_pool[rnd(len(self.v.tech_pool))]}"' for _ in range(3))
            out += [
                "---",
                f"title: '{title}'",
                f"date: {self.date()}T{rnd(24):02d}:{rnd(60):02d}:00+08:00",
                "draft: false",
                f"tags: [{tags}]",
                "---",
                "",
            ]
        out += [f"# {title}", "", *self.paragraph(zh_share), ""]
        for _ in range(sections):
            level = "##" if rnd(3) else "###"
            out += [f"{level} {self.title(rnd(10) < zh_share)}", ""]
            for _ in range(1 + rnd(3)):
                out += [*self.paragraph(zh_share), ""]
        return "\n".join(out), sections + 1

    def digest(self, tweets: int, first_number: int) -> tuple[str, int]:
        rnd = self.rng.randrange
        handles = self.v.handles
        out = [f"# {self.title(False)} digest", ""]
        for k in range(tweets):
            handle = handles[rnd(len(handles))]
            self.status += 1 + rnd(10**9)
            stats = [f"Likes: {self.count(40)}", f"Retweets: {self.count(5)}"]
            if rnd(2):
                stats.append(f"Replies: {self.count(3)}")
            out += [
                f"### {first_number + k}",
                "",
                f"作者: @{handle}",
                f"时间: {self.date()}",
                f"链接: https://x.com/{handle}/status/{self.status}",
                f"互动: {'; '.join(stats)}",
                "",
            ]
            if rnd(4) == 0:  # a Chinese original
                out += [self.line(10) for _ in range(1 + rnd(3))]
            else:
                out += [self.line(0) for _ in range(1 + rnd(3))]
                out += ["", *(self.zh_line() for _ in range(1 + rnd(2)))]
            out.append("")
        return "\n".join(out), tweets

    def plaintext(self, sections: int) -> tuple[str, int]:
        rnd = self.rng.randrange
        zh_share = rnd(11)
        out = [self.title(zh_share > 5), ""]
        for _ in range(sections):
            out += [self.title(rnd(10) < zh_share), ""]
            for _ in range(1 + rnd(2)):
                out += [*self.paragraph(zh_share), ""]
        return "\n".join(out), sections + 1


def _plant_list(entries: int) -> list[str]:
    """Planted snippets: each rare word/phrase a handful of times, shuffled later."""
    copies = max(3, entries // 20_000)
    items = list(PLANTED_WORDS) + list(PLANTED_PHRASES) + list(PLANTED_ZH)
    return [item for item in items for _ in range(copies)]


def generate_tree(root: Path, entries: int, seed: int = 0) -> GeneratedTree:
    """Write a synthetic notes tree of about `entries` entries under `root`."""
    started = time.perf_counter()
    rng = random.Random(seed)
    vocab = _Vocab(rng)
    writer = _Writer(rng, vocab)
    plants = _plant_list(entries)
    rng.shuffle(plants)
    writer.plants = plants
    writer.plant_rate = max(1, entries * 3 // len(plants))
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tree = GeneratedTree(root=str(root), seed=seed, requested_entries=entries)
    kinds = {"tweet": 0, "markdown": 0, "text": 0}
    budget = {
        "tweet": int(entries * TWEET_SHARE),
        "text": int(entries * TEXT_SHARE),
    }
    budget["markdown"] = entries - budget["tweet"] - budget["text"]
    counters = {"tweet": 0, "markdown": 0, "text": 0}
    tops = {"tweet": "tweets", "markdown": "notes", "text": "clippings"}
    suffix = {"tweet": ".md", "markdown": ".md", "text": ".txt"}
    tweet_number = 1
    order = ["markdown", "tweet", "text"]
    while any(kinds[k] < budget[k] for k in order):
        for kind in order:
            if kinds[kind] >= budget[kind]:
                continue
            left = budget[kind] - kinds[kind]
            if kind == "tweet":
                text, made = writer.digest(min(left, TWEETS_PER_DIGEST), tweet_number)
                tweet_number += made
            elif kind == "markdown":
                text, made = writer.markdown(min(max(1, left - 1), 20 + rng.randrange(21)))
            else:
                text, made = writer.plaintext(min(max(1, left - 1), 10 + rng.randrange(21)))
            n = counters[kind]
            counters[kind] += 1
            group, sub = divmod(n // FILES_PER_DIR, 8)
            parts = [tops[kind], vocab.dirs[group % len(vocab.dirs)]]
            if group >= len(vocab.dirs):
                parts.append(f"set{group // len(vocab.dirs)}")
            parts.append(f"{2019 + sub % 7}-{vocab.dirs[(group + sub * 7) % len(vocab.dirs)]}")
            directory = root.joinpath(*parts)
            directory.mkdir(parents=True, exist_ok=True)
            stem = f"{vocab.dirs[(n * 31) % len(vocab.dirs)]}-{n:05d}"
            data = (text + "\n").encode("utf-8")
            (directory / f"{stem}{suffix[kind]}").write_bytes(data)
            kinds[kind] += made
            tree.files += 1
            tree.bytes += len(data)
    tree.kinds = kinds
    tree.expected_entries = sum(kinds.values())
    tree.planted_words = list(PLANTED_WORDS)
    tree.planted_phrases = list(PLANTED_PHRASES)
    tree.planted_zh = list(PLANTED_ZH)
    tree.common_en = vocab.en[:200]
    tree.tech_terms = list(TECH_TERMS)
    tree.common_zh = vocab.zh[:200]
    tree.handles = vocab.handles[:20]
    tree.seconds = time.perf_counter() - started
    (root / MANIFEST_NAME).write_text(tree.to_json(), encoding="utf-8")
    return tree


def load_manifest(root: Path) -> GeneratedTree | None:
    """The manifest `generate_tree` left in `root`, or None."""
    try:
        return GeneratedTree.from_json((Path(root) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m bench.generate DIR --entries N [--seed S]`."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tree = generate_tree(args.dir, args.entries, args.seed)
    print(
        f"{tree.root}: {tree.files} files, ~{tree.expected_entries} entries "
        f"({tree.kinds}), {tree.bytes / 1e6:.1f} MB in {tree.seconds:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
