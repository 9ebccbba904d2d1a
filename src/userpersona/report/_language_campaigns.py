"""The Chinese of the campaign and cohort sections' fixed texts, by their English templates.

Kept apart from the profile report's catalogue so that neither grows past a
readable size; :mod:`._language` merges the two into one catalogue.
"""

ZH_CAMPAIGNS = {
    "Campaign evaluation": "营销活动评估",
    "Results": "活动结果",
    "Did it work?": "活动有效吗？",
    "Cohorts": "获客同期群",
    "Campaign": "活动",
    "Reach": "触达",
    "CTR": "点击率",
    "Conversion": "转化率",
    "Revenue per customer": "人均营收",
    "Cost": "成本",
    "CAC": "获客成本",
    "ROAS": "广告支出回报率",
    "Control": "对照组",
    "ROMI": "营销投资回报率",
    "(on all revenue)": "（按全部营收）",
    "{days} days": "{days} 天",
    "Each customer's window: {window} from their first touch. In brackets: the {level} "
    "interval.": "每位客户的归因窗口：自首次触达起 {window}。方括号内为 {level} 置信区间。",
    "No control arm: the figures are not increments, and ROMI is on all the revenue of the "
    "reached customers, not on what the campaign added.":
        "没有对照组：各项数字不是增量，营销投资回报率按触达客户的全部营收计算，而非活动带来的增量。",
    "ROMI on revenue, not margin: give the margin for ROMI on margin.":
        "营销投资回报率按营收而非毛利计算：提供毛利率即可按毛利计算。",
    "Effect on {outcome}": "对{outcome}的效果",
    "conversion": "转化率",
    "revenue per customer": "人均营收",
    "orders per customer": "人均订单数",
    "points": "百分点",
    "per customer": "每位客户",
    "effect against {control} ({unit})": "相对 {control} 的效果（{unit}）",
    "Arm": "分组",
    "Mean": "均值",
    "Effect [interval]": "效果 [区间]",
    "p": "p 值",
    "p adjusted": "校正后 p 值",
    "Effects against {control}; {correction}. Tests: {methods}.":
        "效果均相对 {control}；{correction}。检验方法：{methods}。",
    "p adjusted across arms and segments by Holm's method":
        "p 值已按 Holm 方法在各分组与细分间校正",
    "p adjusted across arms and segments by Benjamini-Hochberg":
        "p 值已按 Benjamini-Hochberg 方法在各分组与细分间校正",
    "p not adjusted for the number of comparisons": "p 值未按比较次数校正",
    "two-proportion z-test": "两比例 z 检验",
    "Fisher's exact test": "Fisher 精确检验",
    "Welch's t-test": "Welch t 检验",
    "Welch's t-test, bootstrap interval": "Welch t 检验（自助法区间）",
    "CUPED on {covariate}: the variance of the effects fell by {low} to {high}.":
        "基于 {covariate} 的 CUPED：效果的方差降低了 {low} 至 {high}。",
    "Sample-ratio mismatch: the arms hold {observed} customers where the plan expects "
    "{expected} (p = {p}). The assignment or the logging is broken; do not trust these "
    "effects.": "样本比例不匹配：各组实际客户数为 {observed}，计划应为 {expected}（p = {p}）。"
                "分组或日志记录有误，这些效果不可信。",
    "Sample ratio as planned: {observed} customers, {expected} expected (p = {p}).":
        "样本比例符合计划：实际客户数 {observed}，预期 {expected}（p = {p}）。",
    "Mismatch within: {segments}.": "以下细分内不匹配：{segments}。",
    "Retention of each cohort": "各同期群的留存",
    "{periods} since the first order": "首单后的{periods}",
    "weeks": "周数",
    "months": "月数",
    "quarters": "季度数",
    "periods": "期数",
    "Rows: the cohorts, by the period of their first order, with their customers. Each "
    "cell: the share of the cohort's customers who ordered in that period, and their "
    "number. Blank cells are not observed yet.":
        "行：按首单所在期划分的同期群及其客户数。每格：该同期群中在该期下单的客户占比及人数。"
        "空白格尚未观察到。",
    "The period {period} is observed only in part and is left blank.":
        "{period} 期仅观察到一部分，留空。",
    "The latest {cohorts} cohorts and their first {periods} periods are shown.":
        "仅显示最近 {cohorts} 个同期群及其前 {periods} 期。",
    "Time until customers lapse": "客户流失前的时长",
    "days since the first order": "首单后的天数",
    "share not lapsed": "未流失占比",
    "No customer has lapsed yet.": "尚无客户流失。",
    "Half of the customers lapse within {days} days of their first order.":
        "半数客户在首单后 {days} 天内流失。",
    "More than half of the customers had not lapsed by day {days}.":
        "到第 {days} 天，仍有半数以上客户未流失。",
    "A customer lapses after {days} days without an order (Kaplan-Meier, with its "
    "interval). Lapsed: {lapsed}; not lapsed by the end of the log: {censored}.":
        "客户连续 {days} 天未下单即视为流失（Kaplan-Meier 估计，含置信区间）。"
        "已流失：{lapsed}；截至日志末尾未流失：{censored}。",
}
