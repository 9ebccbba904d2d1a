"""The headline: a few key figures, each "not available" with its reason when it
cannot be computed, never 0 or a number the model made up.

P(alive) is averaged over the repeat buyers: under the BG/NBD model a customer
without a repeat purchase always has P(alive) = 1, which would inflate the
mean. Under a Modified BG/NBD (which has no such artefact) it is averaged over
all buyers.
"""

import numpy as np

from ._context import kpi, lacking
from ._html import fmt_int, fmt_num, fmt_share


def headline(ctx):
    """Key figures: customers, revenue, purchases, repeat buyers, P(alive), CLV, personas."""
    profile = ctx.profile
    tiles = [kpi("Customers", fmt_int(len(profile)))]
    buyers = ctx.buyers()
    if ctx.has("frequency") and not buyers.all():
        # customers without a purchase (browsed only, on file only) are counted
        # apart, so that the buyers' figures stay those of buyers
        tiles.append(kpi("Without a purchase", fmt_int((~buyers).sum())))
    tiles.append(_revenue(ctx))
    tiles.extend(_purchases(ctx, buyers))
    tiles.append(_p_alive(ctx, buyers))
    tiles.append(_total_clv(ctx))
    tiles.append(_personas(ctx))
    return f'<div class="kpis">{"".join(tiles)}</div>'


def _revenue(ctx):
    if not ctx.has(ctx.monetary):
        return kpi("Revenue", None, f"no {ctx.monetary} column: an order log without amounts")
    values = ctx.numbers(ctx.monetary)
    known = np.isfinite(values)
    if not known.any():
        return kpi("Revenue", None, f"{ctx.monetary} is empty for every customer")
    return kpi("Revenue", ctx.money(values[known].sum()),
               lacking((~known).sum(), "a known spend"))


def _purchases(ctx, buyers):
    label = "Purchase occasions per buyer"
    about = "mean; an occasion is a day with purchases, unless counted by order"
    if not ctx.has("frequency"):
        reason = "no frequency column in the profile"
        return [kpi(label, None, reason), kpi("Repeat buyers", None, reason)]
    if not buyers.any():
        reason = "no customer has a purchase"
        return [kpi(label, None, reason), kpi("Repeat buyers", None, reason)]
    frequency = ctx.numbers("frequency")[buyers]
    return [kpi(label, fmt_num(frequency.mean()), about),
            kpi("Repeat buyers", fmt_share((frequency >= 2).mean()),
                "of buyers: two or more purchase occasions")]


def _p_alive(ctx, buyers):
    if not ctx.has("p_alive"):
        return kpi("Mean P(alive)", None, ctx.no_column("p_alive", "CLV"))
    model = ctx.purchase_model()
    if "ModifiedBetaGeo" in type(model).__name__:
        label, group, who = "Mean P(alive), buyers", buyers, "buyers"
        about = ""
    else:
        if not (ctx.has("repeat_frequency") or ctx.has("frequency")):
            return kpi("Mean P(alive), repeat buyers", None,
                       "no frequency column to tell repeat buyers")
        label, group, who = "Mean P(alive), repeat buyers", ctx.repeat_buyers(), "repeat buyers"
        about = "one-time buyers left out: the model gives each of them 1"
    if not group.any():
        return kpi(label, None, f"no {who} in the profile")
    values = ctx.numbers("p_alive")[group]
    known = np.isfinite(values)
    if not known.any():
        return kpi(label, None, f"the model gave no P(alive) for the {who}")
    why = "; ".join(text for text in (about, lacking((~known).sum(), "a P(alive)")) if text)
    return kpi(label, fmt_share(values[known].mean()), why)


def _total_clv(ctx):
    horizon = getattr(ctx.steps.get("value"), "horizon", None)
    label = f"Total CLV, next {horizon} months" if horizon else "Total CLV"
    if not ctx.has("clv"):
        return kpi(label, None, ctx.no_column("clv", "CLV"))
    values = ctx.numbers("clv")
    known = np.isfinite(values)
    if not known.any():
        return kpi(label, None, ctx.clv_reason())
    return kpi(label, ctx.money(values[known].sum()), lacking((~known).sum(), "an estimate"))


def _personas(ctx):
    if not ctx.has("persona"):
        return kpi("Personas", None, "no persona column in the profile")
    persona = ctx.profile["persona"]
    # customers without a purchase have the persona id -1: not a persona
    if ctx.has("persona_id"):
        persona = persona[ctx.numbers("persona_id") >= 0]
    return kpi("Personas", fmt_int(persona.nunique()))
