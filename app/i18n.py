"""UI strings in English and Simplified Chinese, language negotiation and date formatting."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from app.qvalues import qvalues

LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    "site_title": {"en": "Chip Controls Timeline", "zh": "芯片管制时间线"},
    "tagline": {
        "en": "US–China semiconductor export controls, tariffs, entity listings and the measures each side took in response, 2018 to today.",
        "zh": "2018年至今中美半导体出口管制、关税、实体清单以及双方各自采取的应对措施。",
    },
    "skip": {"en": "Skip to the events", "zh": "跳到事件列表"},
    "filters": {"en": "Filters", "zh": "筛选"},
    "side": {"en": "Side", "zh": "阵营"},
    "actor": {"en": "Actor", "zh": "行为方"},
    "category": {"en": "Category", "zh": "类别"},
    "technology": {"en": "Technology", "zh": "技术领域"},
    "status": {"en": "Status", "zh": "性质"},
    "from": {"en": "From", "zh": "起始日期"},
    "to": {"en": "To", "zh": "截止日期"},
    "search": {"en": "Search", "zh": "搜索"},
    "search_placeholder": {"en": "e.g. gallium, H200, 出口管制", "zh": "例如：镓、H200、export control"},
    "apply": {"en": "Apply filters", "zh": "应用筛选"},
    "clear": {"en": "Clear all", "zh": "清除全部"},
    "events_count": {"en": "{n} events", "zh": "共 {n} 个事件"},
    "event_one": {"en": "1 event", "zh": "共 1 个事件"},
    "no_events": {"en": "No events match these filters.", "zh": "没有符合筛选条件的事件。"},
    "timeline": {"en": "Timeline chart", "zh": "时间线图表"},
    "chart_help": {
        "en": "Drag to zoom, use the slider below the chart to move, double-click to reset. Click a marker for details. Open markers are events known from press reports.",
        "zh": "拖动以缩放，用图下方的滑块移动，双击复原。点击标记查看详情。空心标记为仅见于媒体报道的事件。",
    },
    "connectors": {"en": "Links between events", "zh": "事件之间的关联"},
    "thread": {"en": "Links of this event", "zh": "此事件的关联"},
    "legend": {"en": "Legend", "zh": "图例"},
    "legend_reported": {"en": "Open marker: known from press reports", "zh": "空心标记：据媒体报道"},
    "show_connectors": {"en": "Show all links (hover or open an event for its own)", "zh": "显示全部关联（悬停或打开事件可查看其关联）"},
    "reset_view": {"en": "Reset view", "zh": "复原视图"},
    "show_chart": {"en": "Show chart", "zh": "显示图表"},
    "list_heading": {"en": "Events", "zh": "事件列表"},
    "downloads": {"en": "Download this view", "zh": "下载当前视图数据"},
    "downloads_all": {"en": "Download all events", "zh": "下载全部事件数据"},  # the static export's files
    "embed": {"en": "Embed", "zh": "嵌入"},
    "embed_title": {"en": "Embed this view", "zh": "嵌入当前视图"},
    "embed_help": {
        "en": "Paste this into your article's HTML. The script variant resizes the frame to its content.",
        "zh": "将以下代码粘贴到文章的HTML中。带脚本的版本会自动调整框架高度。",
    },
    "embed_iframe": {"en": "iframe only", "zh": "仅 iframe"},
    "embed_options": {"en": "Options", "zh": "选项"},
    "embed_opt_title": {"en": "Title", "zh": "标题"},
    "embed_opt_note": {"en": "Note beside the title", "zh": "标题旁的说明"},
    "embed_opt_lang": {"en": "Language", "zh": "语言"},
    "embed_opt_theme": {"en": "Theme", "zh": "配色"},
    "theme_auto": {"en": "Automatic (reader's setting)", "zh": "自动（跟随读者设置）"},
    "theme_light": {"en": "Light", "zh": "浅色"},
    "theme_dark": {"en": "Dark", "zh": "深色"},
    "embed_opt_height": {"en": "Height (px, 150–2000)", "zh": "高度（像素，150–2000）"},
    "embed_opt_from": {"en": "From", "zh": "起始日期"},
    "embed_opt_to": {"en": "To", "zh": "截止日期"},
    "embed_opt_list": {"en": "Show the list of events", "zh": "显示事件列表"},
    "embed_opt_invalid": {"en": "Not applied: check this value.", "zh": "未应用：请检查此值。"},
    "embed_script": {"en": "iframe + resize script", "zh": "iframe 加自适应脚本"},
    "copy": {"en": "Copy", "zh": "复制"},
    "copied": {"en": "Copied", "zh": "已复制"},
    "close": {"en": "Close", "zh": "关闭"},
    "preview": {"en": "Preview", "zh": "预览"},
    "announced": {"en": "Announced", "zh": "宣布日期"},
    "published": {"en": "Published", "zh": "公布日期"},
    "effective": {"en": "Effective", "zh": "生效日期"},
    "ended": {"en": "Ended", "zh": "结束日期"},
    "about_dates": {"en": "About the dates", "zh": "关于日期"},
    "what_happened": {"en": "What happened", "zh": "事件经过"},
    "why_it_matters": {"en": "Why it matters", "zh": "背景与意义"},
    "actors": {"en": "Actors", "zh": "行为方"},
    "technologies": {"en": "Technologies", "zh": "技术领域"},
    "entities": {"en": "Named", "zh": "涉及对象"},
    "sources": {"en": "Sources", "zh": "来源"},
    "related": {"en": "Related events", "zh": "相关事件"},
    "permalink": {"en": "Permalink", "zh": "永久链接"},
    "reported": {"en": "(reported)", "zh": "（据报道）"},
    "reported_note": {
        "en": "Known from press reports; no official document was seen.",
        "zh": "此事件来自媒体报道，未见官方文件。",
    },
    "official": {"en": "Official act", "zh": "官方行为"},
    "significance": {"en": "Significance", "zh": "重要程度"},
    "sig_1": {"en": "minor", "zh": "一般"},
    "sig_2": {"en": "notable", "zh": "重要"},
    "sig_3": {"en": "landmark", "zh": "里程碑"},
    "cite": {"en": "Cite this", "zh": "引用本页"},
    "back": {"en": "Back to the timeline", "zh": "返回时间线"},
    "open_explorer": {"en": "Open in the explorer", "zh": "在时间线中打开"},
    "open_event": {"en": "Open the event page", "zh": "打开事件页面"},
    "language": {"en": "Language", "zh": "语言"},
    "other_lang": {"en": "中文", "zh": "English"},
    "last_updated": {"en": "Last updated", "zh": "最近更新"},
    "credit": {"en": "Source: Chip Controls Timeline", "zh": "来源：芯片管制时间线"},
    "source_note": {
        "en": "Each event links to the documents and reports it was checked against.",
        "zh": "每个事件都附有核对所依据的文件与报道链接。",
    },
    "api": {"en": "API", "zh": "API"},
    "data_note": {
        "en": "Dates are announcement dates unless noted; effective and publication dates are shown with each event.",
        "zh": "除另有说明外，日期均为宣布日期；生效及公布日期见各事件详情。",
    },
    "error_title": {"en": "Something in the address is not right", "zh": "网址中的参数有误"},
    "not_found": {"en": "Not found", "zh": "未找到"},
    "status_official": {"en": "Official", "zh": "官方"},
    "status_reported": {"en": "Reported", "zh": "据报道"},
    "primary_document": {"en": "Primary document", "zh": "原始文件"},
    "primary_documents": {"en": "Primary documents", "zh": "原始文件"},
    "no_document": {"en": "No formal document", "zh": "无正式文件"},
    "title_descriptive": {"en": "descriptive title", "zh": "描述性标题"},
    # a source read in another site's copy (Source.via)
    "via": {"en": "via {site}", "zh": "经{site}转载"},
    # what a Document's `number` says, after a citation without the number (app/models.py)
    "number_none": {"en": "no number", "zh": "无编号"},
    "number_not-found": {"en": "number not found", "zh": "编号未查到"},
    "updated_on": {"en": "Last updated {date}", "zh": "最近更新：{date}"},
    "added_on": {"en": "added {date}", "zh": "收录于{date}"},
    "corrections": {"en": "{n} corrections", "zh": "{n}处更正"},
    "correction_one": {"en": "1 correction", "zh": "1处更正"},
    "change_log": {"en": "Corrections", "zh": "更正记录"},
    "not_applied": {"en": "Not applied — fix it to filter by it:", "zh": "以下参数未生效，请修正后再筛选："},
    "results_without": {"en": "The results below are shown without the parameters named above.",
                        "zh": "下方结果未应用上述参数。"},
    "unknown_param": {"en": "Unknown parameter “{name}”. This page takes: {known}.",
                      "zh": "未知参数“{name}”。本页可用参数：{known}。"},
    "invalid_date": {"en": "“{value}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.",
                     "zh": "“{value}”不是有效日期：请使用 YYYY、YYYY-MM 或 YYYY-MM-DD。"},
    "invalid_day": {"en": "“{value}” is not a day: use YYYY-MM-DD.", "zh": "“{value}”不是有效日期：请使用 YYYY-MM-DD。"},
    "zoom_needs_both": {"en": "a zoom needs both x0 and x1.", "zh": "缩放范围须同时给出 x0 和 x1。"},
    "zoom_reversed": {"en": "x0 ({start}) is not before x1 ({end}).", "zh": "x0（{start}）不早于 x1（{end}）。"},
    "from_after_to": {"en": "“From” ({start}) is after “To” ({end}).", "zh": "“起始”（{start}）晚于“截止”（{end}）。"},
    "zoom_empty": {"en": "No event of this view falls in the zoomed range.", "zh": "当前缩放范围内没有符合条件的事件。"},
    "no_such_event": {"en": "There is no event “{id}”.", "zh": "没有事件“{id}”。"},
    "repeated_param": {"en": "“{name}” is given more than once; it takes one value.",
                       "zh": "参数“{name}”出现了不止一次；它只取一个值。"},
    "bad_lang": {"en": "“{value}” is not a language of this site: use en or zh.",
                 "zh": "“{value}”不是本站的语言：请使用 en 或 zh。"},
    "bad_value": {"en": "“{value}” is not a valid value: {detail}.", "zh": "“{value}”不是有效的取值。"},
    "bad_significance": {"en": "use 1, 2 or 3 (1 minor, 2 notable, 3 landmark).",
                         "zh": "请使用 1、2 或 3（1 一般，2 重要，3 里程碑）。"},
    "q_too_long": {"en": "a search has at most {n} characters.", "zh": "搜索词最多 {n} 个字符。"},
    "unknown_value": {"en": "unknown {name} '{value}'; known values: {known}",
                      "zh": "“{value}”不是 {name} 的取值；可用取值：{known}。"},
    "state_needs_as_of": {"en": "state needs as_of (the day the states are taken on)",
                          "zh": "state 须与 as_of（判断状态的日期）一起使用。"},
    "as_of_after_review": {"en": "as_of {as_of} is after the date through which sources were reviewed ({reviewed}): "
                                 "what was in force then is not known here",
                           "zh": "as_of（{as_of}）晚于来源核查截止日期（{reviewed}）：本站无从得知当日有效的措施。"},
    "no_such_story": {"en": "There is no story “{id}”.", "zh": "没有故事“{id}”。"},
    "bad_step": {"en": "step must be a number from 1 to {n}.", "zh": "step 应为 1 至 {n} 之间的数字。"},
    "step_of": {"en": "Step {n} of {total}", "zh": "第{n}步，共{total}步"},
    "previous_event": {"en": "Previous event", "zh": "上一事件"},
    "next_event": {"en": "Next event", "zh": "下一事件"},
    "previous": {"en": "Previous", "zh": "上一步"},
    "next": {"en": "Next", "zh": "下一步"},
    "stories": {"en": "Stories", "zh": "专题故事"},
    "stories_intro": {"en": "Step through a chain of events, with the chart.", "zh": "结合图表，逐步了解一连串事件。"},
    "part_of": {"en": "Part of", "zh": "所属故事"},
    "read_event": {"en": "Read the event", "zh": "阅读事件详情"},
    "closing": {"en": "Where things stood", "zh": "截至目前"},
    "story_steps": {"en": "{n} steps", "zh": "{n}步"},
    "all_steps": {"en": "Show all steps", "zh": "显示全部步骤"},
    "not_in_force": {"en": "Not in force on {day}", "zh": "{day}时未生效"},
    "as_of": {"en": "In force on", "zh": "生效日期"},
    "as_of_help": {"en": "a day: shows the measures in force then", "zh": "选择某日，显示当日有效的措施"},
    "state_of_play": {"en": "State of play on {day}: {n} measures in force", "zh": "{day}时的状况：{n}项措施有效"},
    # with state= other than in-force: the states shown, named (state_names)
    "state_or": {"en": " or ", "zh": "或"},
    "state_of_play_states": {"en": "State of play on {day}: {n} measures {states}", "zh": "{day}时的状况：{n}项措施{states}"},
    "glossary": {"en": "Glossary", "zh": "词汇表"},
    "glossary_intro": {"en": "The terms of export controls and trade measures used in this timeline, with the name each is given here in English and Chinese.",
                       "zh": "本时间线中使用的出口管制与贸易措施术语，附中英文统一名称。"},
    "not_used": {"en": "Not used here", "zh": "本站不使用"},
    "see_also": {"en": "See also", "zh": "另见"},
    "used_in": {"en": "Used in {n} events", "zh": "见于{n}个事件"},
    "scheduled": {"en": "scheduled", "zh": "预定"},
    "reviewed_through": {"en": "Sources reviewed through {date}.", "zh": "来源核查截至{date}。"},
    "all": {"en": "All", "zh": "全部"},
    "min_significance": {"en": "Minimum significance", "zh": "最低重要程度"},
    "any": {"en": "Any", "zh": "不限"},
    "sort": {"en": "Order", "zh": "排序"},
    "oldest_first": {"en": "Oldest first", "zh": "从早到晚"},
    "newest_first": {"en": "Newest first", "zh": "从晚到早"},
    "event_list_for": {"en": "Event list", "zh": "事件列表"},
    "details": {"en": "Event details", "zh": "事件详情"},
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


STATE_NAMES = {
    "in-force": {"en": "in force", "zh": "有效"}, "suspended": {"en": "suspended", "zh": "已暂停"},
    "ended": {"en": "ended", "zh": "已结束"}, "superseded": {"en": "superseded", "zh": "已被取代"},
    "reversed": {"en": "reversed", "zh": "已撤销"},
}


def state_of_play_heading(day: str, n: int, states: tuple[str, ...] | list[str], lang: str) -> str:
    """"State of play on …: N measures in force", or, with other states asked for, the states
    named ("… 8 measures suspended", "… 124 measures in force or suspended")."""
    if not states or list(states) == ["in-force"]:
        return t("state_of_play", lang, day=day, n=n)
    joined = t("state_or", lang).join(STATE_NAMES[s][lang] for s in states)
    return t("state_of_play_states", lang, day=day, n=n, states=joined)


def t(key: str, lang: str, **values: object) -> str:
    text = STRINGS[key].get(lang) or STRINGS[key]["en"]
    return text.format(**values) if values else text


def parenthetical(text: str, lang: str) -> str:
    """A text in parentheses: "(…)" in English, "（…）" in Chinese."""
    return f"（{text}）" if lang == "zh" else f"({text})"


def _aside(key: str, lang: str, **values: object) -> str:
    """A string in parentheses, as written after the text it qualifies: " (…)" in English,
    "（…）" in Chinese, which needs no space."""
    return ("" if lang == "zh" else " ") + parenthetical(t(key, lang, **values), lang)


def document_number_note(doc, lang: str) -> str:
    """What a Document's `number` says, written after a citation without the number (" (no
    number)", "（无编号）"); '' for a citation with it."""
    return "" if doc.number == "given" else _aside(f"number_{doc.number}", lang)


def source_title(source, lang: str) -> str:
    """A source's title as the flat formats write it: a descriptive one says so in `lang`."""
    return source.title + (_aside("title_descriptive", lang) if source.title_descriptive else "")


def source_publisher(source, lang: str, name: Callable[[str, str], str]) -> str:
    """Who published a source, and the site whose copy was read, by their names in `lang`
    (name: Snapshot.publisher_name, from timeline_data/publishers.yaml): "Reuters (via Nasdaq)",
    "路透社（经纳斯达克转载）"."""
    return name(source.publisher, lang) + (_aside("via", lang, site=name(source.via, lang)) if source.via else "")


def count_text(n: int, lang: str) -> str:
    return t("event_one", lang) if n == 1 else t("events_count", lang, n=n)


def format_date(day: dt.date, precision: str, lang: str) -> str:
    if lang == "zh":
        if precision == "year":
            return f"{day.year}年"
        if precision == "month":
            return f"{day.year}年{day.month}月"
        return f"{day.year}年{day.month}月{day.day}日"
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS_EN[day.month - 1]} {day.year}"
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def negotiate(explicit: str | None, accept_language: str | None, default: str = "en") -> str:
    """lang= wins; else the best of en/zh in Accept-Language by q-value; else the default."""
    if explicit in LANGS:
        return explicit
    best, best_q = None, 0.0
    for tag, q in qvalues(accept_language):
        primary = tag.split("-")[0]
        if primary in LANGS and q > best_q:
            best, best_q = primary, q
    return best or default
