"""The report's fixed texts in every language it speaks: English and Chinese.

Every text the report writes itself (headings, labels, notes, reasons, suggested
actions, axis titles) is written in the code in English, as a format template
with named placeholders, and goes through :func:`tr`. In English the template
is used as it is; in Chinese it is looked up in :data:`ZH`, whose templates
place the same placeholders where Chinese word order wants them, so no sentence
is pieced together from parts. Counts of things go through :func:`count`:
English has a singular and a plural ("1 customer", "2 customers"), Chinese a
measure word and no plural ("1 位客户", "2 位客户").

The language of the page being rendered is held in a context variable, set by
:func:`speaking` for the duration of one rendering.
"""

import contextvars
from contextlib import contextmanager

from ._language_campaigns import ZH_CAMPAIGNS

#: The languages of the report and the ``lang`` attribute of their pages.
LANGUAGES = {"en": "en", "zh": "zh-CN"}

_LANGUAGE = contextvars.ContextVar("userpersona_report_language", default="en")


def check_language(language):
    """Refuse a language the report does not speak; return it otherwise."""
    if not isinstance(language, str) or language not in LANGUAGES:
        raise ValueError(f"language must be one of {sorted(LANGUAGES)}, got {language!r}.")
    return language


@contextmanager
def speaking(language):
    """Render in ``language`` inside the ``with`` block."""
    token = _LANGUAGE.set(check_language(language))
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def language():
    """The language of the page being rendered: ``"en"`` or ``"zh"``."""
    return _LANGUAGE.get()


def html_lang():
    """The ``lang`` attribute of the page being rendered."""
    return LANGUAGES[_LANGUAGE.get()]


def tr(text, /, **values):
    """A fixed text of the report in the current language, its placeholders filled.

    Parameters
    ----------
    text : str
        The English template, which is also the key of :data:`ZH`.
    **values
        The values of the placeholders, already formatted as text.

    Returns
    -------
    str

    Examples
    --------
    >>> from userpersona.report._language import speaking, tr
    >>> tr("{customers} without {what}, left out", customers="3 customers", what="an estimate")
    '3 customers without an estimate, left out'
    >>> with speaking("zh"):
    ...     tr("{customers} without {what}, left out", customers="3 位客户", what=tr("an estimate"))
    '3 位客户无估计值，未计入'
    """
    if _LANGUAGE.get() == "zh":
        text = ZH.get(text, text)
    return text.format(**values) if values else text


def count(number, word, many):
    """``number`` of ``word`` in the current language; ``number`` is already formatted.

    Parameters
    ----------
    number : str
        The number, such as ``"1,234"``.
    word, many : str
        The English singular and plural; the singular is the key of :data:`ZH_COUNTS`.

    Returns
    -------
    str
    """
    if _LANGUAGE.get() == "zh" and word in ZH_COUNTS:
        return ZH_COUNTS[word].format(n=number)
    return f"{number} {word if number == '1' else many}"


#: The Chinese of every fixed text, by its English template. Placeholders keep
#: their names; numbers and amounts arrive formatted, with thousands separators.
ZH = {
    # the page
    "Customer profile": "用户画像",
    "amounts in {currency}": "金额单位：{currency}",
    "customer ids pseudonymised": "客户 ID 已假名化",
    "hidden": "已隐藏",
    "{cells} hidden (min_cell): fewer than {k} customers, or needed to keep such a cell "
    "from being worked out from the totals.":
        "{cells}已隐藏（min_cell）：客户少于 {k} 位，或为防止由合计反推出此类单元格而一并隐藏。",
    "fewer than {k} customers on one side (min_cell)": "其中一方少于 {k} 位客户（min_cell）",
    ", ": "、",
    "Hidden (min_cell): {personas}, of fewer than {k} customers or hidden to keep such a "
    "persona from being worked out from the totals.":
        "已隐藏（min_cell）：{personas}，客户少于 {k} 位，或为防止由合计反推出此类人群而一并隐藏。",
    "The customers without a purchase yet (\u201c{label}\u201d) are in no persona; their "
    "number is hidden (min_cell).":
        "尚未购买的客户（“{label}”）不属于任何人群；其人数已隐藏（min_cell）。",
    "Total {total}; median {median}; the top 10% of customers hold {share} of it. ":
        "总额 {total}；中位数 {median}；前 10% 的客户占其中 {share}。",
    "The bins are equal on a log scale; the first also holds the customers below {low}.":
        "各区间在对数刻度上等宽；第一个区间还包含低于 {low} 的客户。",
    "The bins are equal on a log scale; the first also holds the {customers} below {low}.":
        "各区间在对数刻度上等宽；第一个区间还包含低于 {low} 的 {customers}。",
    " Not shown: the customers without a CLV estimate or with a CLV of 0 (how many is "
    "hidden, min_cell).":
        "未显示：没有 CLV 估计或 CLV 为 0 的客户（人数已隐藏，min_cell）。",
    "Every CLV estimate is 0; the number without an estimate is hidden (min_cell).":
        "所有 CLV 估计均为 0；没有估计的客户人数已隐藏（min_cell）。",
    # what changed
    "What changed": "变化情况",
    "Customers before: {before}; now: {after}; in both: {both}; new: {new}; lost: {lost}.":
        "之前客户：{before}；现在：{after}；两期都有：{both}；新增：{new}；流失：{lost}。",
    "Alerts": "告警",
    "No alert: no change passed its threshold with evidence (AlertThresholds).":
        "无告警：没有变化在统计证据支持下超过阈值（AlertThresholds）。",
    "A change alerts when its effect reaches the threshold and its test, adjusted over all "
    "the comparison's tests (Holm), is significant.":
        "当变化的效应量达到阈值、且经全部检验校正（Holm 法）后显著时才告警。",
    "Severity": "级别",
    "Part": "部分",
    "What": "对象",
    "Measure": "指标",
    "Value": "数值",
    "Threshold": "阈值",
    "alert": "告警",
    "warn": "提醒",
    "Features that moved most": "变化最大的特征",
    "Feature": "特征",
    "Kind": "类型",
    "PSI": "PSI",
    "Wasserstein (SD)": "Wasserstein 距离（标准差）",
    "Cramér's V": "Cramér's V",
    "Missing before": "之前缺失",
    "Missing now": "现在缺失",
    "p (Holm)": "p 值（Holm）",
    "number": "数值",
    "label": "类别",
    "Rows: before; columns: now. Each cell: share of the row and customers; (new) and (lost) "
    "are the customers in one profile only.":
        "行：之前；列：现在。每格：占该行的比例和客户数；"
        "(new) 与 (lost) 是只出现在一期画像中的客户。",
    "now": "现在",
    "Moves between RFM segments": "RFM 分群之间的迁移",
    "Moves between lifecycle stages": "生命周期阶段之间的迁移",
    "Moves between personas": "人群画像之间的迁移",
    "Personas of the two fits": "两次拟合的人群画像",
    "Personas are paired by their centres (least total distance), in standard deviations of "
    "the earlier profile; a split or merge is read from the customers in both.":
        "人群画像按中心配对（总距离最小），以之前画像的标准差为单位；拆分或合并由两期都有的客户判断。",
    "Persona before": "之前的人群",
    "Persona now": "现在的人群",
    "Status": "状态",
    "Centre moved (SD)": "中心移动（标准差）",
    "Moved most": "变化最大",
    "Customers before": "之前客户数",
    "Customers now": "现在客户数",
    "matched": "已配对",
    "new": "新增",
    "gone": "消失",
    "split": "拆分",
    "merged": "合并",
    "split+merged": "拆分并合并",
    "Tag": "标签",
    "Coverage before": "之前覆盖率",
    "Coverage now": "现在覆盖率",
    "Change (points)": "变化（百分点）",
    "Value model: predicted against actual purchases": "价值模型：预测购买与实际购买",
    "The purchases the earlier profile's model predicted for the period between the two "
    "profiles, against those made; the band is the model's own spread of the total.":
        "之前画像的模型对两期之间购买次数的预测与实际购买对比；区间为模型自身对总数的波动范围。",
    "Group": "分组",
    "Predicted purchases": "预测购买",
    "Purchases made": "实际购买",
    "Actual / predicted": "实际 / 预测",
    "Band": "区间",
    "Made against the band": "实际相对区间",
    "outside": "区间外",
    "inside": "区间内",
    "all customers": "全部客户",
    "Not compared: {part} ({reason}).": "未比较：{part}（{reason}）。",
    "drift": "分布漂移",
    "tags": "标签",
    "stages": "生命周期阶段",
    "columns": "列",
    "personas": "人群画像",
    "value": "价值模型",
    "health": "健康检查",
    "population stability index": "群体稳定性指数（PSI）",
    "Wasserstein distance (in SD of before)": "Wasserstein 距离（以之前的标准差计）",
    "change of the missing share": "缺失比例变化",
    "column gone": "列已消失",
    "coverage change (points)": "覆盖率变化（百分点）",
    "stage share change": "阶段占比变化",
    "centre moved (SD)": "中心移动（标准差）",
    "persona split": "人群拆分",
    "personas merged": "人群合并",
    "persona split and merged": "人群拆分并合并",
    "new persona": "新人群",
    "persona gone": "人群消失",
    "persona share change": "人群占比变化",
    "actual against predicted purchases": "实际购买相对预测",
    "share without CLV": "无 CLV 的占比",
    "share of the largest persona": "最大人群的占比",
    "tag coverage": "标签覆盖率",
    "Made with userpersona. Self-contained page: no scripts, no external resources.":
        "由 userpersona 生成。独立页面：不含脚本，不加载外部资源。",
    "The profile has no customers.": "画像中没有客户。",
    "not available": "暂无数据",
    "{not_available} ({word})": "{not_available}（{word}）",
    "customer": "客户",
    "persona": "人群画像",
    "yes": "是",
    "no": "否",
    "none": "无",
    "n/a": "无",
    "; ": "；",
    " and ": "；",
    "{low} to {high}": "{low} 至 {high}",
    # the sections
    "Headline": "核心指标",
    "RFM grid and segments": "RFM 矩阵与客户分群",
    "Lifecycle": "生命周期",
    "Tag coverage": "标签覆盖",
    "Personas": "人群画像",
    "Number of personas": "人群数",
    "Customer lifetime value": "客户生命周期价值 (CLV)",
    "Data quality": "数据质量",
    # headline
    "Customers": "客户数",
    "Without a purchase": "未购买客户",
    "Revenue": "营收",
    "Purchase occasions per buyer": "人均购买频次",
    "mean; an occasion is a day with purchases, unless counted by order":
        "均值；一次购买指有购买的一天（按订单计数时为一笔订单）",
    "Repeat buyers": "复购客户占比",
    "of buyers: two or more purchase occasions": "占购买客户：购买两次及以上",
    "Mean P(alive)": "平均存活概率 P(alive)",
    "Mean P(alive), buyers": "购买客户的平均存活概率 P(alive)",
    "Mean P(alive), repeat buyers": "复购客户的平均存活概率 P(alive)",
    "one-time buyers left out: the model gives each of them 1":
        "不含仅购买一次的客户：模型给他们的值均为 1",
    "Total CLV": "CLV 总额",
    "Total CLV, next {months} months": "未来 {months} 个月 CLV 总额",
    "no {column} column: an order log without amounts": "没有 {column} 列：订单日志不含金额",
    "{column} is empty for every customer": "所有客户的 {column} 均为空",
    "no customer has a purchase": "没有客户有购买记录",
    "no frequency column to tell repeat buyers": "没有 frequency 列，无法识别复购客户",
    "no buyers in the profile": "画像中没有购买客户",
    "no repeat buyers in the profile": "画像中没有复购客户",
    "the model gave no P(alive) for the buyers": "模型未给出购买客户的 P(alive)",
    "the model gave no P(alive) for the repeat buyers": "模型未给出复购客户的 P(alive)",
    "{customers} without {what}, left out": "{customers}无{what}，未计入",
    "a known spend": "已知消费金额",
    "a P(alive)": "P(alive)",
    "an estimate": "估计值",
    # reasons
    "no {column} column in the profile": "画像中没有 {column} 列",
    "the profile was made without the {step} step": "生成画像时未包含 {step} 步骤",
    "the profile has P(alive) but no CLV: no spend model":
        "画像有 P(alive) 但没有 CLV：缺少消费金额模型",
    "the spend model could not be used (its q = {q} is at most 1, an infinite mean spend)":
        "消费金额模型无法使用（其 q = {q} 不大于 1，平均消费额为无穷大）",
    "the CLV model gave no estimate for any customer": "CLV 模型未给出任何客户的估计值",
    "{what} not available for {customers} of the table: {reason}.":
        "表中 {customers}的{what}暂无数据：{reason}。",
    "the model gave no value": "模型未给出数值",
    # RFM
    "No RFM scores in the profile (r_score, f_score, m_score).":
        "画像中没有 RFM 评分（r_score、f_score、m_score）。",
    "Customers and revenue by R and FM score": "按 R 分与 FM 分统计的客户数与营收",
    "FM = (F + M) / 2, rounded half up": "FM = (F + M) / 2，四舍五入",
    "Each cell: customers (bold) and their revenue.": "每格：客户数（粗体）及其营收。",
    "Each cell: customers (bold) and their revenue ({currency}).":
        "每格：客户数（粗体）及其营收（{currency}）。",
    " Colour: customers. Higher scores are better: R is recency, F frequency, M spend.":
        "颜色：客户数。分数越高越好：R 为最近购买时间，F 为购买频次，M 为消费金额。",
    "Segment": "客户分群",
    "Share": "占比",
    "Revenue share": "营收占比",
    "Mean R": "平均 R 分",
    "Mean F": "平均 F 分",
    "Mean M": "平均 M 分",
    "Revenue not available: no {column} column in the profile.":
        "营收暂无数据：画像中没有 {column} 列。",
    "Revenue share not available: the profile has no revenue.":
        "营收占比暂无数据：画像中没有营收。",
    "Mean scores: none for a segment without customers.": "平均分：没有客户的分群记为“无”。",
    # lifecycle
    "No lifecycle stages in the profile (lifecycle_stage).":
        "画像中没有生命周期阶段（lifecycle_stage）。",
    "Customers per lifecycle stage": "各生命周期阶段的客户数",
    "Transitions": "阶段迁移",
    "Transitions between stages": "生命周期阶段间的迁移",
    "before": "迁移前",
    "after": "迁移后",
    "Rows: stage before; columns: stage after. Each cell: share of the row and customers.":
        "行：迁移前阶段；列：迁移后阶段。每格：占该行的比例及客户数。",
    # tags
    "No tags: neither a fitted tags step nor bool tag columns.":
        "没有标签：既没有已拟合的标签步骤，也没有布尔型标签列。",
    "Share of customers per tag": "各标签的客户占比",
    "Yes/no tags": "是/否标签",
    "Customers per value of {tag}": "{tag} 各取值的客户数",
    "Check {tag} = {value}: {flag}.": "请检查 {tag} = {value}：{flag}。",
    "covers nobody": "未覆盖任何客户",
    "covers everybody": "覆盖全部客户",
    # personas
    "No personas in the profile (persona).": "画像中没有人群画像（persona）。",
    "No personas: no customer is in a persona.": "没有人群画像：没有客户属于任何人群。",
    "Largest first. Figures: the median days since the last purchase; purchases a year, the "
    "persona's purchase occasions over its customers' years since their first purchase (per "
    "365 days); the mean order value, its spend over its purchase occasions; and its share of "
    "all revenue. The suggested action follows from the persona's value and its most common "
    "lifecycle stage.":
        "按人群规模从大到小排列。指标：距上次购买天数的中位数；年购买频次，即该人群的购买次数"
        "除以其客户自首次购买以来的年数（每 365 天）；客单价，即其消费金额除以购买次数；以及"
        "其占总营收的比例。建议动作由该人群的价值和最常见的生命周期阶段决定。",
    "{customers} \u00b7 {share} of buyers": "{customers} \u00b7 占购买客户 {share}",
    "{customers} \u00b7 {share} of customers": "{customers} \u00b7 占全部客户 {share}",
    "days since last purchase (median)": "距上次购买天数（中位数）",
    "purchases a year": "年购买频次",
    "mean order value": "客单价",
    "share of revenue": "营收占比",
    "{customers} without a purchase yet (\u201c{label}\u201d) is in no persona: "
    "the personas describe buyers.":
        "{customers}尚未购买（“{label}”），不属于任何人群：人群画像只描述购买客户。",
    "{customers} without a purchase yet (\u201c{label}\u201d) are in no persona: "
    "the personas describe buyers.":
        "{customers}尚未购买（“{label}”），不属于任何人群：人群画像只描述购买客户。",
    "no recency_days": "没有 recency_days",
    "no purchase dates": "没有购买日期",
    "needs frequency and tenure_days": "需要 frequency 和 tenure_days",
    "no time as a customer yet": "尚无客户时长",
    "needs {column} and frequency": "需要 {column} 和 frequency",
    "no {column} column": "没有 {column} 列",
    "no purchase": "没有购买",
    "no revenue in the profile": "画像中没有营收",
    "value not available": "价值暂无数据",
    "CLV": "CLV",
    "spend": "消费金额",
    "no {value} for these customers": "{value}：这些客户暂无数据",
    "high value: median {value} {own} against {all} for all":
        "高价值：{value}（中位数）{own}，全部客户为 {all}",
    "low value: median {value} {own} against {all} for all":
        "低价值：{value}（中位数）{own}，全部客户为 {all}",
    "mostly {stage} ({share})": "主要阶段：{stage}（{share}）",
    "Close to the average customer.": "与平均客户接近。",
    "Mean against the average customer:": "均值与平均客户之比：",
    "Means of {persona} against all customers": "{persona}：与全部客户的均值之比",
    "Representative customers:": "代表客户：",
    "Small personas": "小规模人群",
    "{personas} of fewer than {size} each, listed apart (min_size); shares of buyers.":
        "{personas}，每个不足 {size}，单独列出（min_size）；占比相对购买客户。",
    "{personas} of fewer than {size} each, listed apart (min_size); shares of customers.":
        "{personas}，每个不足 {size}，单独列出（min_size）；占比相对全部客户。",
    "Not available: {reasons}.": "暂无数据：{reasons}。",
    "Persona": "人群画像",
    "Days since last purchase": "距上次购买天数",
    "Purchases a year": "年购买频次",
    "Mean order value": "客单价",
    "Share of revenue": "营收占比",
    "Suggested action": "建议动作",
    # customer lifetime value
    "No customer lifetime value: {reason}.": "没有客户生命周期价值：{reason}。",
    "Customer lifetime value not available: {reason}.": "客户生命周期价值暂无数据：{reason}。",
    "Every CLV estimate is 0; {customers} without an estimate.":
        "所有 CLV 估计值均为 0；{customers}没有估计值。",
    " Not shown: {customers}.": "未显示：{customers}。",
    "{customers} without a CLV estimate": "{customers}没有 CLV 估计值",
    "{customers} with a CLV of 0": "{customers}的 CLV 为 0",
    "Top {customers} by CLV": "CLV 最高的 {customers}",
    "Customer": "客户",
    "Expected purchases": "预期购买次数",
    "P(alive)": "存活概率 P(alive)",
    "Customers by CLV (log-scaled bins)": "按 CLV 分布的客户数（对数区间）",
    ", log scale": "，对数刻度",
    "customers": "客户数",
    # data quality
    "No data-quality report given (pass quality=...).":
        "未提供数据质量报告（请传入 quality=...）。",
    "not given": "未指定",
    "Log": "日志",
    "Rows in": "输入行数",
    "Rows used": "使用行数",
    "As of": "截止日期",
    "Action": "处理",
    "Reason": "原因",
    "Count": "数量",
    "dropped": "剔除",
    "changed": "修正",
    "flagged": "标记",
    "{count} rows": "{count} 行",
    "{count} customers": "{count} 位客户",
    "Nothing dropped, changed or flagged.": "没有剔除、修正或标记任何数据。",
    # plain words: what the standard columns measure
    "{name}: {level}": "{name}：{level}",
    "days since last purchase": "距上次购买天数",
    "purchases": "购买次数",
    "repeat purchases": "复购次数",
    "total spend": "消费总额",
    "spend per purchase": "客单价",
    "spend per repeat purchase": "复购客单价",
    "days as a customer": "成为客户的天数",
    "days between the last two purchases": "最近两次购买间隔天数",
    "days between purchases": "购买间隔天数",
    "longest gap between purchases": "最长购买间隔",
    "purchases at weekends": "周末购买占比",
    "variety of categories": "品类多样性",
    "number of categories": "品类数",
    "actions on the site": "站内行为次数",
    "days with a visit": "访问天数",
    "days since last visit": "距上次访问天数",
    "visits": "访问次数",
    "actions per visit": "每次访问行为数",
    "views turned into carts": "浏览加购率",
    "carts turned into purchases": "加购转化率",
    "product views": "商品浏览次数",
    "items added to cart": "加购件数",
    "purchase events": "购买事件数",
    "chance of still being a customer": "存活概率 P(alive)",
    "expected purchases": "预期购买次数",
    "lifetime value": "客户生命周期价值",
    "age": "年龄",
    # traits
    "{trait} ({ratio})": "{trait}（{ratio}）",
    "more often {label} than average": "{label}的比例高于平均",
    "less often {label} than average": "{label}的比例低于平均",
    "{label} above average": "{label}高于平均",
    "{label} below average": "{label}低于平均",
    "last bought longer ago than average": "距上次购买的时间长于平均",
    "bought more recently than average": "最近购买时间比平均更近",
    "buys more often than average": "购买频次高于平均",
    "buys less often than average": "购买频次低于平均",
    "comes back more often than average": "复购频次高于平均",
    "comes back less often than average": "复购频次低于平均",
    "spends more in total than average": "消费总额高于平均",
    "spends less in total than average": "消费总额低于平均",
    "spends more per purchase than average": "客单价高于平均",
    "spends less per purchase than average": "客单价低于平均",
    "a customer for longer than average": "成为客户的时间长于平均",
    "a newer customer than average": "成为客户的时间短于平均",
    "shops at weekends more than average": "周末购物多于平均",
    "shops at weekends less than average": "周末购物少于平均",
    "buys across more categories than average": "购买品类比平均更多样",
    "sticks to fewer categories than average": "购买品类比平均更集中",
    "buys in more categories than average": "购买品类数多于平均",
    "buys in fewer categories than average": "购买品类数少于平均",
    "visits more often than average": "访问频次高于平均",
    "visits less often than average": "访问频次低于平均",
    "does more per visit than average": "每次访问的行为多于平均",
    "does less per visit than average": "每次访问的行为少于平均",
    "turns more views into carts than average": "浏览加购率高于平均",
    "turns fewer views into carts than average": "浏览加购率低于平均",
    "completes more carts than average": "加购转化率高于平均",
    "abandons more carts than average": "弃购率高于平均",
    "waits longer between purchases than average": "购买间隔长于平均",
    "comes back sooner than average": "回购间隔短于平均",
    "older than average": "年龄高于平均",
    "younger than average": "年龄低于平均",
    "more likely than average to still be a customer": "存活概率高于平均",
    "less likely than average to still be a customer": "存活概率低于平均",
    "worth more in future than average": "未来价值高于平均",
    "worth less in future than average": "未来价值低于平均",
    # suggested actions
    "Nurture: a welcome series and an early second-purchase offer":
        "培育：发送欢迎系列触达，并尽早提供二次购买优惠",
    "Onboard: a small incentive for the second purchase": "新客引导：为二次购买提供小额激励",
    "Reward and retain: early access, loyalty perks": "回馈与留存：新品抢先购、会员权益",
    "Grow: cross-sell and bundles to raise the order value":
        "提升价值：交叉销售与组合套装，提高客单价",
    "Win back: a personal offer before they lapse": "挽回：在流失前推送专属优惠",
    "Reactivate: a reminder with a time-limited discount": "唤醒沉睡客户：发送提醒并附限时折扣",
    "Win back: a strong comeback offer, and ask why they left":
        "召回流失客户：提供有力的回归优惠，并了解流失原因",
    "Keep costs low: occasional newsletters only": "控制成本：仅偶尔发送营销邮件",
}

#: Counts in Chinese, by the English singular: a measure word and no plural.
ZH_COUNTS = {
    "customer": "{n} 位客户",
    "persona": "{n} 个人群",
    "buyer": "{n} 位购买客户",
    "day": "{n} 天",
    "purchase": "{n} 次购买",
    "person": "{n} 人",
    "category": "{n} 个品类",
    "figure": "{n} 个数字",
    "campaign": "{n} 个活动",
}

ZH.update(ZH_CAMPAIGNS)
