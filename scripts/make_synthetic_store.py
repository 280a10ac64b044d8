#!/usr/bin/env python3
"""Write a VALID synthetic event store of N generated events (for benchmarks and scale tests).

Usage (from the repo root):
    .venv/bin/python scripts/make_synthetic_store.py N [--out DIR] [--seed S] [--taxonomy FILE]
    .venv/bin/timeline validate --data DIR          # check it

Default DIR: .bench/synthetic-N (git-ignored). The folder is replaced if it exists (only if it
looks like a store: holds taxonomy.yaml and/or events/).

What it generates (deterministic for a given N and seed):
  * taxonomy.yaml copied from timeline_data/taxonomy.yaml; every actor / category /
    technology / relation key used is read from that file (real keys only);
  * N events in events/<year>/<id>.yaml, dates spread over 2018-01-01..the taxonomy's reviewed_through, ids
    `YYYY-MM-DD-<slug>-<n>` (unique, date-prefixed, kebab-case), format as in docs/DATA.md;
  * actors skewed like the real store (the first actor in the taxonomy, us-bis, is the most
    common primary actor), 1-3 actors, 0-3 technologies, 1-3 entities, 1-3 sources;
  * bilingual titles / summaries (and some context / date_note) built from a vocabulary of
    searchable words (e.g. gallium, lithography, Huawei, 稀土, 光刻机) with different
    frequencies, so `q=` searches have both rare and common hits;
  * ~30% of events have 1-2 `related` links to earlier generated ids (always valid).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Dates unquoted (as in the real store); never anchors/aliases (the store refuses them)."""

    def ignore_aliases(self, data):
        return True


# (english word, chinese word, relative weight): the words `q=` benchmarks search for.
TOPICS = [
    ("gallium", "镓", 4), ("germanium", "锗", 4), ("graphite", "石墨", 3), ("antimony", "锑", 2),
    ("rare earth", "稀土", 6), ("lithography", "光刻机", 6), ("HBM", "高带宽内存", 5),
    ("Huawei", "华为", 8), ("SMIC", "中芯国际", 6), ("YMTC", "长江存储", 3), ("Nvidia", "英伟达", 8),
    ("ASML", "阿斯麦", 5), ("Micron", "美光", 3), ("tariff", "关税", 8), ("entity list", "实体清单", 8),
    ("licence", "许可证", 5), ("foundry", "晶圆代工", 4), ("supercomputer", "超级计算机", 3),
    ("subsidy", "补贴", 3), ("investigation", "调查", 4), ("drone", "无人机", 1), ("quantum", "量子", 1),
    ("polysilicon", "多晶硅", 1), ("sapphire", "蓝宝石", 1),
]
ENTITIES = [
    "Huawei", "SMIC", "YMTC", "CXMT", "Nvidia H20", "Nvidia A100", "Nvidia H200", "AMD MI308",
    "ASML", "Tokyo Electron", "Applied Materials", "Lam Research", "KLA", "Micron", "Hikvision",
    "Sugon", "Inspur", "Phytium", "ZTE", "Fujian Jinhua", "TikTok", "DJI", "Cadence", "Synopsys",
    "Intel", "Qualcomm", "TSMC", "Samsung", "SK Hynix", "Hua Hong",
]
VERBS = [
    ("restricts exports of", "限制出口"), ("adds restrictions on", "加强管制"), ("opens a review of", "启动审查"),
    ("announces measures on", "宣布措施"), ("tightens rules on", "收紧规则"), ("eases limits on", "放宽限制"),
]
PUBLISHERS = ["Federal Register", "Reuters", "Xinhua", "MOFCOM", "BIS", "Nikkei Asia", "South China Morning Post"]


def generate_event(i: int, rng: random.Random, tax: dict, ids_so_far: list[str], date: dt.date) -> dict:
    actor_keys = list(tax["actors"])
    # skew: the first actors (us-bis, us-commerce, ...) are more common, like the real store
    actor_weights = [max(1.0, 12.0 / (k + 1)) for k in range(len(actor_keys))]
    categories = list(tax["categories"])
    technologies = list(tax["technologies"])
    relations = list(tax["relations"])

    primary = rng.choices(actor_keys, actor_weights)[0]
    others = rng.sample([a for a in actor_keys if a != primary], rng.choice([0, 0, 1, 2]))
    topics = rng.choices(TOPICS, [t[2] for t in TOPICS], k=rng.randint(1, 3))
    topics = list(dict.fromkeys(topics))
    en_words = " and ".join(t[0] for t in topics)
    zh_words = "和".join(t[1] for t in topics)
    verb_en, verb_zh = rng.choice(VERBS)
    actor_en = tax["actors"][primary]["label"]["en"]
    actor_zh = tax["actors"][primary]["label"]["zh"]
    entities = rng.sample(ENTITIES, rng.randint(1, 3))
    slug = "-".join(t[0].lower().replace(" ", "-") for t in topics[:2])
    event_id = f"{date.isoformat()}-{slug}-{i}"

    n_sentences = rng.randint(2, 4)
    summary_en = [f"{actor_en} {verb_en} {en_words}, naming {', '.join(entities)} (synthetic event {i})."]
    summary_zh = [f"{actor_zh}就{zh_words}{verb_zh}，涉及{'、'.join(entities)}（合成事件{i}）。"]
    fillers = [
        ("The measure covers items classified under the Export Administration Regulations and takes effect on publication.",
         "该措施涵盖受《出口管理条例》管辖的物项，自公布之日起生效。"),
        ("Officials said the decision followed an interagency review of supply-chain risks.",
         "官员表示，该决定是在跨部门供应链风险审查之后作出的。"),
        ("Companies have 30 days to comment and may apply for licences case by case.",
         "企业有30天时间提出意见，并可逐案申请许可。"),
        ("Industry groups said the rule would affect wafer fabrication and advanced packaging.",
         "行业组织表示，该规则将影响晶圆制造和先进封装。"),
    ]
    for en, zh in rng.sample(fillers, n_sentences - 1):
        summary_en.append(en)
        summary_zh.append(zh)

    event: dict = {
        "id": event_id,
        "date": date,
    }
    if rng.random() < 0.1:
        event["date_precision"] = rng.choice(["month", "year"])
    if rng.random() < 0.3:
        event["published_date"] = date + dt.timedelta(days=rng.randint(1, 10))
    if rng.random() < 0.2:
        event["effective_date"] = date + dt.timedelta(days=rng.randint(0, 60))
    if rng.random() < 0.05:
        event["end_date"] = date + dt.timedelta(days=rng.randint(30, 400))
    if rng.random() < 0.1:
        event["date_note"] = {"en": "Synthetic note: sources give different dates.", "zh": "合成说明：各来源日期不一。"}
    event["title"] = {
        "en": f"{actor_en} {verb_en} {en_words} (#{i})",
        "zh": f"{actor_zh}就{zh_words}{verb_zh}（第{i}号）",
    }
    event["summary"] = {"en": " ".join(summary_en), "zh": "".join(summary_zh)}
    if rng.random() < 0.4:
        event["context"] = {
            "en": f"It follows earlier measures on {topics[0][0]} and answers concerns about military end use.",
            "zh": f"此前已有关于{topics[0][1]}的措施，此举回应了对军事最终用途的关切。",
        }
    event["actors"] = [primary, *others]
    event["category"] = rng.choice(categories)
    event["technologies"] = rng.sample(technologies, rng.randint(0, 3))
    event["entities"] = entities
    event["significance"] = rng.choices([1, 2, 3], [5, 4, 1])[0]
    event["status"] = rng.choices(["official", "reported"], [8, 2])[0]
    sources = []
    for s in range(rng.randint(1, 3)):
        source: dict = {"publisher": rng.choice(PUBLISHERS), "title": f"Source {s + 1} for synthetic event {i}"}
        if rng.random() < 0.85:
            source["url"] = f"https://example.org/synthetic/{event_id}/{s}"
        else:
            source["citation"] = f"{rng.randint(80, 91)} FR {rng.randint(10000, 99999)}"
        if rng.random() < 0.5:
            source["date"] = date
        sources.append(source)
    event["sources"] = sources
    event["added"] = dt.date(2026, 11, 29)
    event["updated"] = event["added"] + dt.timedelta(days=rng.choice([0, 0, 0, 1, 2]))
    if ids_so_far and rng.random() < 0.3:
        targets = rng.sample(ids_so_far[-200:], min(len(ids_so_far[-200:]), rng.randint(1, 2)))
        event["related"] = [{"id": t, "relation": rng.choice(relations)} for t in targets]
    return event


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("--out", type=Path, help="output folder (default: .bench/synthetic-N)")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "timeline_data" / "taxonomy.yaml")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be >= 1")
    out: Path = args.out or ROOT / ".bench" / f"synthetic-{args.n}"

    tax = yaml.safe_load(args.taxonomy.read_text(encoding="utf-8"))
    if out.exists():
        if not ((out / "taxonomy.yaml").exists() or (out / "events").is_dir()) and any(out.iterdir()):
            print(f"refusing to replace {out}: not empty and not an event store", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    (out / "events").mkdir(parents=True)
    shutil.copy(args.taxonomy, out / "taxonomy.yaml")

    rng = random.Random(args.seed)
    start, end = dt.date(2018, 1, 1), tax["reviewed_through"]  # no event after the sources' review date
    span = (end - start).days
    # sorted dates so that `related` links point to earlier events
    dates = sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(args.n))
    ids: list[str] = []
    for i, date in enumerate(dates, 1):
        event = generate_event(i, rng, tax, ids, date)
        folder = out / "events" / str(date.year)
        folder.mkdir(exist_ok=True)
        text = yaml.dump(event, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)
        (folder / f"{event['id']}.yaml").write_text(text, encoding="utf-8")
        ids.append(event["id"])
    print(f"wrote {args.n} events to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
