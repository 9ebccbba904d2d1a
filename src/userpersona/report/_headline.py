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
from ._language import tr


def headline(ctx):
    """Key figures: customers, revenue, purchases, repeat buyers, P(alive), CLV, personas."""
    profile = ctx.profile
    tiles = [kpi(tr("Customers"), fmt_int(len(profile)))]
    buyers = ctx.buyers()
    if ctx.has("frequency") and not buyers.all():
        # customers without a purchase (browsed only, on file only) are counted
        # apart, so that the buyers' figures stay those of buyers
        without = int((~buyers).sum())
        tiles.append(kpi(tr("Without a purchase"), fmt_int(without))
                     if not ctx.hidden([without, len(buyers) - without]).any()
                     else _hidden(ctx, tr("Without a purchase")))
    tiles.append(_revenue(ctx))
    tiles.extend(_purchases(ctx, buyers))
    tiles.append(_p_alive(ctx, buyers))
    tiles.append(_total_clv(ctx))
    tiles.append(_personas(ctx))
    return f'<div class="kpis">{"".join(tiles)}</div>'


def _revenue(ctx):
    if not ctx.has(ctx.monetary):
        return kpi(tr("Revenue"), None, tr("no {column} column: an order log without amounts",
                                           column=ctx.monetary))
    values = ctx.numbers(ctx.monetary)
    known = np.isfinite(values)
    if not known.any():
        return kpi(tr("Revenue"), None, tr("{column} is empty for every customer",
                                           column=ctx.monetary))
    return kpi(tr("Revenue"), ctx.money(values[known].sum()),
               lacking((~known).sum(), "a known spend"))


def _purchases(ctx, buyers):
    label = tr("Purchase occasions per buyer")
    about = tr("mean; an occasion is a day with purchases, unless counted by order")
    if not ctx.has("frequency"):
        reason = tr("no {column} column in the profile", column="frequency")
        return [kpi(label, None, reason), kpi(tr("Repeat buyers"), None, reason)]
    if not buyers.any():
        reason = tr("no customer has a purchase")
        return [kpi(label, None, reason), kpi(tr("Repeat buyers"), None, reason)]
    frequency = ctx.numbers("frequency")[buyers]
    repeat = int((frequency >= 2).sum())
    if ctx.hidden([repeat, len(frequency) - repeat]).any():
        return [kpi(label, fmt_num(frequency.mean()), about),
                _hidden(ctx, tr("Repeat buyers"))]
    return [kpi(label, fmt_num(frequency.mean()), about),
            kpi(tr("Repeat buyers"), fmt_share(repeat / len(frequency)),
                tr("of buyers: two or more purchase occasions"))]


def _hidden(ctx, label):
    """A tile whose figure would describe fewer than ``min_cell`` customers."""
    return kpi(label, tr("hidden"), tr("fewer than {k} customers on one side (min_cell)",
                                       k=fmt_int(ctx.min_cell)))


def _p_alive(ctx, buyers):
    if not ctx.has("p_alive"):
        return kpi(tr("Mean P(alive)"), None, ctx.no_column("p_alive", "CLV"))
    model = ctx.purchase_model()
    if "ModifiedBetaGeo" in type(model).__name__:
        label, group, who = tr("Mean P(alive), buyers"), buyers, "buyers"
        about = ""
    else:
        if not (ctx.has("repeat_frequency") or ctx.has("frequency")):
            return kpi(tr("Mean P(alive), repeat buyers"), None,
                       tr("no frequency column to tell repeat buyers"))
        label, group, who = (tr("Mean P(alive), repeat buyers"), ctx.repeat_buyers(),
                             "repeat buyers")
        about = tr("one-time buyers left out: the model gives each of them 1")
    if not group.any():
        return kpi(label, None, tr("no buyers in the profile") if who == "buyers"
                   else tr("no repeat buyers in the profile"))
    values = ctx.numbers("p_alive")[group]
    known = np.isfinite(values)
    if not known.any():
        return kpi(label, None, tr("the model gave no P(alive) for the buyers")
                   if who == "buyers" else tr("the model gave no P(alive) for the repeat buyers"))
    why = tr("; ").join(text for text in (about, lacking((~known).sum(), "a P(alive)")) if text)
    return kpi(label, fmt_share(values[known].mean()), why)


def _total_clv(ctx):
    horizon = getattr(ctx.steps.get("value"), "horizon", None)
    label = (tr("Total CLV, next {months} months", months=horizon) if horizon
             else tr("Total CLV"))
    if not ctx.has("clv"):
        return kpi(label, None, ctx.no_column("clv", "CLV"))
    values = ctx.numbers("clv")
    known = np.isfinite(values)
    if not known.any():
        return kpi(label, None, ctx.clv_reason())
    return kpi(label, ctx.money(values[known].sum()), lacking((~known).sum(), "an estimate"))


def _personas(ctx):
    if not ctx.has("persona"):
        return kpi(tr("Number of personas"), None,
                   tr("no {column} column in the profile", column="persona"))
    persona = ctx.profile["persona"]
    # customers without a purchase have the persona id -1: not a persona
    if ctx.has("persona_id"):
        persona = persona[ctx.numbers("persona_id") >= 0]
    return kpi(tr("Number of personas"), fmt_int(persona.nunique()))
