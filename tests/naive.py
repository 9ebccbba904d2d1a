"""Slow, obvious NumPy and pandas references of the kernels and of the summaries.

Each function computes what a kernel or a public function should return, in the
plainest way, so the tests can compare the two on arbitrary input.
"""

import numpy as np
import pandas as pd


def group_rows(codes, ticks, n_groups):
    """Rows sorted by (code, tick), ties in input order; group offsets."""
    order = np.lexsort((np.arange(len(codes)), ticks, codes))
    offsets = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=n_groups))))
    return order, offsets


def flag_same_time_and_amount(codes, ticks, amount):
    """Rows sharing code, tick and amount with another row."""
    keys = pd.DataFrame({"c": codes, "t": ticks, "a": amount})
    return keys.duplicated(keep=False).to_numpy()


def summarize_occasions(codes, ticks, amount, ticks_per_day, merge_same_day, n_groups):
    """Per-group occasion statistics as a DataFrame indexed by group code."""
    rows = pd.DataFrame({"g": codes, "tick": ticks, "amount": amount})
    rows["day"] = rows["tick"] // ticks_per_day
    rows = rows.sort_values(["g", "tick"], kind="stable")
    if merge_same_day:
        occasions = rows.groupby(["g", "day"], as_index=False)["amount"].sum()
    else:
        occasions = rows[["g", "day", "amount"]].reset_index(drop=True)
    out = {}
    for g, occ in occasions.groupby("g"):
        days = occ["day"].to_numpy()
        gaps = np.diff(days)
        mine = rows[rows["g"] == g]
        out[g] = {
            "first_tick": mine["tick"].min(),
            "last_tick": mine["tick"].max(),
            "first_day": days[0],
            "last_day": days[-1],
            "n_occasions": len(days),
            "prev_gap": gaps[-1] if len(gaps) else -1,
            "max_gap": gaps.max() if len(gaps) else -1,
            "total": occ["amount"].sum(),
            "first_occasion_total": occ["amount"].iloc[0],
        }
    return pd.DataFrame.from_dict(out, orient="index").reindex(range(n_groups))


def aggregate_orders(order_codes, customer_codes, ticks, amount, n_orders):
    """Per-order customer (of the first line), earliest tick and total."""
    lines = pd.DataFrame({"o": order_codes, "c": customer_codes, "t": ticks, "a": amount})
    orders = lines.groupby("o").agg(c=("c", "first"), t=("t", "min"), a=("a", "sum"))
    orders = orders.reindex(range(n_orders))
    conflicts = lines.groupby("o")["c"].nunique() > 1
    return orders, bool(conflicts.any())


def summarize_activity(codes, ticks, ticks_per_day, session_gap, n_groups):
    """Active days and sessions per group."""
    rows = pd.DataFrame({"g": codes, "t": ticks}).sort_values(["g", "t"], kind="stable")
    rows["day"] = rows["t"] // ticks_per_day
    rows["new_session"] = rows.groupby("g")["t"].diff().fillna(session_gap + 1) > session_gap
    out = rows.groupby("g").agg(active_days=("day", "nunique"), sessions=("new_session", "sum"))
    return out.reindex(range(n_groups), fill_value=0)


def count_labels(groups, labels, weights, n_groups, n_labels):
    """Rows (or weights) per group and label as a dense table; label -1 not counted."""
    kept = labels >= 0
    table = np.zeros((n_groups, n_labels))
    np.add.at(table, (groups[kept], labels[kept]),
              weights[kept] if len(weights) else 1.0)
    return table


def drop_rows(order, offsets, ticks, amount, remove):
    """A grouping without the rows flagged in ``remove``, by masks and a running count."""
    keep = ~remove[order]
    removed_before = np.concatenate(([0], np.cumsum(~keep)))
    return (order[keep], offsets - removed_before[offsets], ticks[keep],
            amount[keep] if len(amount) else amount)


def habit_counts(codes, ticks, ticks_per_day, n_parts, n_groups):
    """Weekend rows and rows per part of the day per group, from pandas' calendar
    (ticks of 24 a day are hours since 1970-01-01)."""
    assert ticks_per_day == 24
    times = pd.to_datetime(ticks, unit="h")
    weekend = np.bincount(codes, weights=times.dayofweek >= 5, minlength=n_groups)
    parts = np.zeros((n_groups, n_parts), np.int64)
    np.add.at(parts, (codes, np.asarray(times.hour) * n_parts // 24), 1)
    return weekend.astype(np.int64), parts


def integer_codes(ids):
    """Codes of ids in the order of the ids, and the distinct ids (by sorting)."""
    uniques, codes = np.unique(ids, return_inverse=True)
    return codes.ravel(), uniques


def summarize_transactions(orders, as_of=None, time_unit="D"):
    """The standard customer table, written out with a pandas groupby.

    Expects clean input: columns customer_id, timestamp (naive), amount >= 0,
    no exact duplicate rows.
    """
    days = orders["timestamp"].dt.floor("D")
    as_of = days.max() if as_of is None else pd.Timestamp(as_of).normalize()
    orders = orders[days <= as_of].assign(day=days[days <= as_of])
    per_unit = {"D": 1, "W": 7}[time_unit]
    rows = []
    for customer, mine in orders.groupby("customer_id", sort=True):
        occasions = mine.groupby("day")["amount"].sum().sort_index()
        day_numbers = (occasions.index - as_of).days.to_numpy()
        gaps = np.diff(day_numbers)
        n = len(occasions)
        rows.append({
            "customer_id": customer,
            "recency_days": -day_numbers[-1],
            "frequency": n,
            "monetary_total": occasions.sum(),
            "monetary_mean": occasions.sum() / n,
            "monetary_repeat_mean": occasions.iloc[1:].mean() if n > 1 else np.nan,
            "first_purchase": mine["timestamp"].min(),
            "last_purchase": mine["timestamp"].max(),
            "tenure_days": -day_numbers[0],
            "prev_gap_days": gaps[-1] if n > 1 else np.nan,
            "mean_gap_days": gaps.mean() if n > 1 else np.nan,
            "max_gap_days": gaps.max() if n > 1 else np.nan,
            "repeat_frequency": n - 1,
            "repeat_recency": (day_numbers[-1] - day_numbers[0]) / per_unit,
            "T": -day_numbers[0] / per_unit,
        })
    return pd.DataFrame(rows).set_index("customer_id")


def quantile_bin(training, values, n_bins):
    """Bin of each value by the documented rule, counted directly from the training values.

    ``min(n_bins - 1, floor(n_bins * share of training values strictly below x))``.
    """
    training = np.sort(np.asarray(training, dtype=float))
    below = np.array([np.sum(training < x) for x in values])
    return np.minimum(n_bins - 1, (n_bins * below) // len(training))


def rfm_scores(table, n_bins):
    """R, F and M scores of a customer table scored against itself, by the rule above."""
    bought = table["recency_days"].notna().to_numpy()
    scores = {}
    for name, column in [("r", "recency_days"), ("f", "frequency"), ("m", "monetary_total")]:
        values = table[column].to_numpy(dtype=float)
        bins = quantile_bin(values[bought], np.where(bought, values, np.inf), n_bins)
        scores[name] = np.where(bought, n_bins - bins if name == "r" else bins + 1, 1)
    return scores


def score_customers(recency, frequency, monetary, edges, weights, n_bins):
    """R, F, M, cell and combined score of each customer, one row at a time."""
    rows = []
    for rec, freq, mon in zip(recency, frequency, monetary, strict=False):
        if np.isnan(rec):
            r = f = m = 1
        else:
            r = n_bins - int(np.sum(edges[0] < rec))
            f = 1 + int(np.sum(edges[1] < freq))
            m = 1 + int(np.sum(edges[2] < mon))
        cell = (r - 1) * n_bins**2 + (f - 1) * n_bins + (m - 1)
        rows.append((r, f, m, cell, weights[0] * r + weights[1] * f + weights[2] * m))
    if not rows:
        return (np.array([]),) * 5
    return tuple(np.array(column) for column in zip(*rows, strict=True))


def gap_thresholds(mean_gaps, n_gaps, quantiles):
    """Learned lifecycle thresholds: quantiles of every gap, each taken at its customer's mean."""
    gaps = np.repeat(np.asarray(mean_gaps, dtype=float), np.asarray(n_gaps, dtype=int))
    days = np.ceil(np.quantile(gaps, quantiles, method="inverted_cdf"))
    days[1] = max(days[1], days[0] + 1)
    days[2] = max(days[2], days[1] + 1)
    return days


def interval_lifecycle(customers, periods, n_periods):
    """New, current, resurrected and dormant customers per period, one customer at a time."""
    counts = {state: np.zeros(n_periods, dtype=int)
              for state in ("new", "current", "resurrected", "dormant")}
    active = {}
    for who, when in zip(customers, periods, strict=True):
        active.setdefault(who, set()).add(int(when))
    for seen in active.values():
        for t in range(n_periods):
            if t in seen:
                if not any(p < t for p in seen):
                    counts["new"][t] += 1
                elif t - 1 in seen:
                    counts["current"][t] += 1
                else:
                    counts["resurrected"][t] += 1
            elif t - 1 in seen:
                counts["dormant"][t] += 1
    return counts


def evaluate_rule(node, frame):
    """A tag rule evaluated plainly with pandas Series, for comparison with the compiler.

    A comparison involving a missing value is False; ``pct`` cut-offs are the
    NumPy percentiles of the training values, here ``frame`` itself.
    """
    from userpersona.tags import _syntax as syn

    def value(node):
        if isinstance(node, syn.Literal):
            # numbers as NumPy floats: 0 / 0 is NaN, as in a column, not an exception
            number = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
            return np.float64(node.value) if number else node.value
        if isinstance(node, syn.Name):
            return frame[node.name]
        if isinstance(node, syn.Unary):
            return -value(node.operand)
        if isinstance(node, syn.Binary):
            left, right = value(node.left), value(node.right)
            with np.errstate(all="ignore"):
                if node.op == "%":
                    return np.fmod(left, right)
                return {"+": lambda: left + right, "-": lambda: left - right,
                        "*": lambda: left * right, "/": lambda: left / right}[node.op]()
        if isinstance(node, syn.Compare):
            result = pd.Series(True, index=frame.index)
            for i, op in enumerate(node.ops):
                left, right = node.operands[i], node.operands[i + 1]
                a, b = side(left, right), side(right, left)
                held = {"<": np.less, "<=": np.less_equal, ">": np.greater,
                        ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal}[op](a, b)
                result &= pd.Series(held, index=frame.index).astype(bool) & present(a) & present(b)
            return result
        if isinstance(node, syn.Logical):
            parts = [value(operand) for operand in node.operands]
            result = parts[0]
            for part in parts[1:]:
                result = (result & part) if node.op == "and" else (result | part)
            return result
        if isinstance(node, syn.Not):
            return np.logical_not(value(node.operand))
        if isinstance(node, syn.In):
            x = value(node.operand)
            held = x.isin([literal.value for literal in node.values]) & x.notna()
            return np.logical_not(held) if node.negated else held
        if isinstance(node, syn.Between):
            x, low, high = value(node.operand), value(node.low), value(node.high)
            held = (x >= low) & (x <= high) & present(x) & present(low) & present(high)
            return np.logical_not(held) if node.negated else held
        if isinstance(node, syn.Call):
            args = node.arguments
            if node.function == "isnull":
                return value(args[0]).isna()
            if node.function == "notnull":
                return value(args[0]).notna()
            if node.function in ("contains", "startswith", "endswith"):
                text, pattern = value(args[0]), args[1].value
                method = {"contains": lambda s: pattern in s,
                          "startswith": lambda s: s.startswith(pattern),
                          "endswith": lambda s: s.endswith(pattern)}[node.function]
                return text.map(lambda s: isinstance(s, str) and method(s)).astype(bool)
            if node.function == "pct":
                return np.nanpercentile(value(args[0]).astype(float), args[1].value)
            x = [value(arg) for arg in args]
            return {"abs": lambda: np.abs(x[0]), "log1p": lambda: np.log1p(x[0]),
                    "min": lambda: np.fmin(x[0], x[1]), "max": lambda: np.fmax(x[0], x[1]),
                    "coalesce": lambda: x[0].fillna(x[1]) if hasattr(x[0], "fillna")
                    else x[0]}[node.function]()
        raise AssertionError(node)

    def side(node, partner):
        if isinstance(node, syn.Call) and node.function == "pct" and len(node.arguments) == 1:
            return np.nanpercentile(np.asarray(value(partner), dtype=float),
                                    node.arguments[0].value)
        return value(node)

    def present(x):
        return pd.Series(x, index=frame.index).notna() if np.ndim(x) else pd.notna(x)

    result = value(node)
    return pd.Series(np.broadcast_to(result, len(frame)), index=frame.index)


def silhouette(points, labels):
    """Mean silhouette of one labeling (Rousseeuw, 1987), from the full distance matrix.

    For point ``i``: ``a`` is its mean distance to the other points of its cluster,
    ``b`` the smallest mean distance to the points of another (non-empty) cluster,
    and its silhouette ``(b - a) / max(a, b)``. A point alone in its cluster scores
    0, as in scikit-learn; so does a point whose ``a`` and ``b`` are both 0
    (duplicates) and, by the kernel's convention, a point with no other cluster.
    """
    points = np.asarray(points, dtype=float)
    labels = np.asarray(labels)
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1))
    scores = np.zeros(len(points))
    for i in range(len(points)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = distance[i, own].sum() / (own.sum() - 1)  # distance[i, i] is 0
        others = [distance[i, labels == c].mean() for c in np.unique(labels) if c != labels[i]]
        if not others:
            continue
        b = min(others)
        if max(a, b) > 0:
            scores[i] = (b - a) / max(a, b)
    return scores.mean()


# Pareto/NBD

def _pareto_nbd_a0(r, alpha, s, beta, x, t_x, T):
    """A0 of Fader and Hardie's note, with scipy's 2F1 exactly as printed there."""
    from scipy.special import hyp2f1

    a = r + s + x
    if alpha >= beta:
        second, big = s + 1, alpha
    else:
        second, big = r + x, beta

    def f(t):
        return hyp2f1(a, second, a + 1, abs(alpha - beta) / (big + t)) / (big + t) ** a

    return f(t_x) - f(T)


def pareto_nbd_log_likelihood(r, alpha, s, beta, x, t_x, T, method="hyp2f1"):
    """Per-customer Pareto/NBD log-likelihood, straight from the published formula.

    ``method="hyp2f1"`` uses the note's A0; ``"quad"`` integrates
    ``s int_{t_x}^T (alpha + y)^-(r+x) (beta + y)^-(s+1) dy`` numerically instead.
    Moderate inputs only: nothing is kept in log space.
    """
    from scipy.integrate import quad
    from scipy.special import gammaln

    out = []
    for xi, ti, Ti in zip(x, t_x, T, strict=True):
        alive = (alpha + Ti) ** -(r + xi) * (beta + Ti) ** -s
        if method == "quad":
            dropped = s * quad(lambda y, xi=xi: (alpha + y) ** -(r + xi) * (beta + y) ** -(s + 1),
                               ti, Ti, epsabs=0, epsrel=1e-13, limit=200)[0]
        else:
            dropped = s / (r + s + xi) * _pareto_nbd_a0(r, alpha, s, beta, xi, ti, Ti)
        out.append(gammaln(r + xi) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
                   + np.log(alive + dropped))
    return np.array(out)


def pareto_nbd_p_alive(r, alpha, s, beta, x, t_x, T):
    """P(alive at T) = 1 / (1 + s / (r+s+x) (alpha+T)^(r+x) (beta+T)^s A0), per customer."""
    return np.array([
        1 / (1 + s / (r + s + xi) * (alpha + Ti) ** (r + xi) * (beta + Ti) ** s
             * _pareto_nbd_a0(r, alpha, s, beta, xi, ti, Ti))
        for xi, ti, Ti in zip(x, t_x, T, strict=True)])


def pareto_nbd_expected_purchases(r, alpha, s, beta, x, t_x, T, times):
    """Expected purchases in (T, T + t]: P(alive) E[lambda] E[lifetime left, capped at t].

    The capped remaining lifetime of an active customer has the mean
    ``int_0^t ((beta + T) / (beta + T + u))^s du``, integrated numerically.
    """
    from scipy.integrate import quad

    alive = pareto_nbd_p_alive(r, alpha, s, beta, x, t_x, T)
    out = np.empty((len(x), len(times)))
    for i, (xi, Ti) in enumerate(zip(x, T, strict=True)):
        for k, t in enumerate(times):
            lifetime = quad(lambda u, Ti=Ti: ((beta + Ti) / (beta + Ti + u)) ** s, 0, t,
                            epsabs=0, epsrel=1e-13, limit=200)[0]
            out[i, k] = alive[i] * (r + xi) / (alpha + Ti) * lifetime
    return out


def pareto_nbd_probability(r, alpha, s, beta, n, t):
    """P(X(t) = n) for a new customer: alive throughout, or dropped out at tau < t.

    ``(beta / (beta + t))^s NB(n; r, alpha, t) + int_0^t f(tau) NB(n; r, alpha, tau) dtau``
    with the Lomax density ``f(tau) = s / beta (1 + tau / beta)^-(s+1)`` and
    ``NB(n; r, alpha, tau) = Gamma(r+n) / (Gamma(r) n!) (alpha/(alpha+tau))^r
    (tau/(alpha+tau))^n``.
    """
    from scipy.integrate import quad
    from scipy.special import gammaln

    def nb(tau):
        log_p = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(alpha / (alpha + tau))
        if n > 0:
            log_p += n * np.log(tau / (alpha + tau)) if tau > 0 else -np.inf
        return np.exp(log_p)

    dropped = quad(lambda tau: s / beta * (1 + tau / beta) ** -(s + 1) * nb(tau), 0, t,
                   epsabs=0, epsrel=1e-13, limit=200)[0]
    return (beta / (beta + t)) ** s * nb(t) + dropped


# BG/NBD and Gamma-Gamma


def beta_geo_log_likelihood(r, alpha, a, b, x, t_x, T):
    """Per-customer BG/NBD log-likelihood, the product form of Fader, Hardie & Lee (2005)."""
    from scipy.special import beta as beta_function
    from scipy.special import gamma

    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    a_part = beta_function(a, b + x) / beta_function(a, b)
    rate = gamma(r + x) * alpha**r / gamma(r)
    alive = a_part * rate / (alpha + T) ** (r + x)
    dropped = np.where(
        x > 0,
        beta_function(a + 1, np.maximum(b + x - 1, 1e-300)) / beta_function(a, b)
        * rate / (alpha + t_x) ** (r + x),
        0.0,
    )
    return np.log(alive + dropped)


def beta_geo_p_alive(r, alpha, a, b, x, t_x, T):
    """P(alive) of FHL (2005), eq. 11 (1 for customers without repeat purchases)."""
    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + t_x))
                    ** (r + x), 0.0)
    return 1.0 / (1.0 + odds)


def beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, t):
    """Conditional expectation of FHL (2005), eq. 10, with scipy's hyp2f1."""
    from scipy.special import hyp2f1

    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x,
                                                                      a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * bracket * beta_geo_p_alive(r, alpha, a, b, x, t_x, T)


def beta_geo_probability(r, alpha, a, b, n, t):
    """P(X(t) = n) of FHL (2005), eq. 8, with the finite sum written out."""
    from scipy.special import beta as beta_function
    from scipy.special import factorial, gamma

    def nbd(j):
        return (gamma(r + j) / (gamma(r) * factorial(j)) * (alpha / (alpha + t)) ** r
                * (t / (alpha + t)) ** j)

    still = beta_function(a, b + n) / beta_function(a, b) * nbd(n)
    if n == 0:
        return still
    dropped = beta_function(a + 1, b + n - 1) / beta_function(a, b)
    return still + dropped * (1 - sum(nbd(j) for j in range(n)))


def gamma_gamma_log_likelihood(p, q, gamma_, x, m):
    """Per-customer Gamma-Gamma log-likelihood of the mean spend ``m`` of ``x`` purchases.

    The density of the mean of ``x`` gamma(p, nu) values is gamma(p x, nu x);
    integrated over nu ~ gamma(q, gamma_).
    """
    from scipy.integrate import quad
    from scipy.stats import gamma as gamma_distribution

    out = []
    for xi, mi in zip(x, m, strict=True):
        def integrand(nu, xi=xi, mi=mi):
            return (gamma_distribution.pdf(mi, p * xi, scale=1 / (nu * xi))
                    * gamma_distribution.pdf(nu, q, scale=1 / gamma_))
        out.append(np.log(quad(integrand, 0, np.inf, epsabs=0, epsrel=1e-12, limit=400)[0]))
    return np.array(out)


# MBG/NBD


def modified_beta_geo_log_likelihood(r, alpha, a, b, x, t_x, T):
    """Per-customer MBG/NBD log-likelihood, the product form of Batislam et al. (2007):
    alive after x + 1 dropout chances, or gone at the last purchase (the first when x = 0)."""
    from scipy.special import beta as beta_function
    from scipy.special import gamma

    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    rate = gamma(r + x) * alpha**r / gamma(r)
    alive = beta_function(a, b + x + 1) / beta_function(a, b) * rate / (alpha + T) ** (r + x)
    gone = beta_function(a + 1, b + x) / beta_function(a, b) * rate / (alpha + t_x) ** (r + x)
    return np.log(alive + gone)


def modified_beta_geo_log_likelihood_by_integration(r, alpha, a, b, x, t_x, T):
    """The same log-likelihood of one customer, integrating the individual likelihood
    ``lambda^x (1-p)^x [(1-p) e^(-lambda T) + p e^(-lambda t_x)]`` over the gamma and beta
    densities numerically (moderate x only). The densities' powers of p, 1 - p and lambda
    are quadrature weights, so their singularities at 0 and 1 cost no accuracy."""
    from scipy.integrate import quad
    from scipy.special import beta as beta_function
    from scipy.special import gamma

    def p_part(f):
        return quad(f, 0, 1, weight="alg", wvar=(a - 1, b - 1), epsabs=0,
                    epsrel=1e-12)[0] / beta_function(a, b)

    survive = p_part(lambda p: (1 - p) ** (x + 1))
    drop = p_part(lambda p: p * (1 - p) ** x)

    def rate_part(s):
        # lambda^(x + r - 1) e^(-lambda (alpha + s)) alpha^r / Gamma(r)
        near = quad(lambda lam: np.exp(-lam * (alpha + s)), 0, 1, weight="alg",
                    wvar=(x + r - 1, 0), epsabs=0, epsrel=1e-12)[0]
        far = quad(lambda lam: lam ** (x + r - 1) * np.exp(-lam * (alpha + s)), 1, np.inf,
                   epsabs=0, epsrel=1e-12, limit=400)[0]
        return (near + far) * alpha**r / gamma(r)

    return np.log(survive * rate_part(T) + drop * rate_part(t_x))


def modified_beta_geo_p_alive(r, alpha, a, b, x, t_x, T):
    """P(alive) of Batislam et al. (2007): below 1 for x = 0 too."""
    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    return 1.0 / (1.0 + a / (b + x) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def modified_beta_geo_expected_purchases(r, alpha, a, b, x, t_x, T, t):
    """Conditional expectation of Batislam et al. (2007), with scipy's hyp2f1:
    P(alive) (a + b + x) / (a - 1) [1 - ((alpha + T) / (alpha + T + t))^(r + x)
    2F1(r + x, b + x + 1; a + b + x; t / (alpha + T + t))]."""
    from scipy.special import hyp2f1

    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x + 1,
                                                                      a + b + x, z)
    return ((a + b + x) / (a - 1) * bracket
            * modified_beta_geo_p_alive(r, alpha, a, b, x, t_x, T))


def modified_beta_geo_population_expectation(r, alpha, a, b, t):
    """E[X(t)] for a new customer, b / (a - 1) [1 - (alpha / (alpha + t))^r
    2F1(r, b + 1; a + b; t / (alpha + t))] (Batislam et al., 2007)."""
    from scipy.special import hyp2f1

    return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b,
                                                                  t / (alpha + t)))


def modified_beta_geo_population_expectation_by_integration(r, alpha, a, b, t):
    """E[X(t)] integrated over p: given p, an individual expects (1 - p) / p
    (1 - E_lambda e^(-lambda p t)) purchases, and E_lambda e^(-lambda p t) =
    (alpha / (alpha + p t))^r."""
    from scipy.integrate import quad
    from scipy.stats import beta as beta_distribution

    def given_p(p):
        return ((1 - p) / p * -np.expm1(r * np.log(alpha / (alpha + p * t)))
                * beta_distribution.pdf(p, a, b))

    return quad(given_p, 0, 1, epsabs=0, epsrel=1e-11, limit=400)[0]


def modified_beta_geo_probability(r, alpha, a, b, n, t):
    """P(X(t) = n) for a new customer, with the finite sum written out: survived all
    n + 1 dropout chances, or gone at the n-th purchase (at the first when n = 0)
    after at least n events of the rate."""
    from scipy.special import beta as beta_function
    from scipy.special import factorial, gamma

    def nbd(j):
        return (gamma(r + j) / (gamma(r) * factorial(j)) * (alpha / (alpha + t)) ** r
                * (t / (alpha + t)) ** j)

    alive = beta_function(a, b + n + 1) / beta_function(a, b) * nbd(n)
    gone = beta_function(a + 1, b + n) / beta_function(a, b)
    return alive + gone * (1 - sum(nbd(j) for j in range(n)))


def lloyd(points, centres, max_iter):
    """Lloyd's k-means iterations, one point and one centre at a time: assign each
    point to its nearest centre (the first on a tie), stop when none moves, else move
    each non-empty cluster's centre to its members' mean."""
    centres = [list(map(float, centre)) for centre in centres]
    labels = [-1] * len(points)
    for _ in range(max_iter):
        moved = 0
        for i, point in enumerate(points):
            distances = [sum((p - c) ** 2 for p, c in zip(point, centre, strict=True))
                         for centre in centres]
            nearest = distances.index(min(distances))
            if labels[i] != nearest:
                labels[i], moved = nearest, moved + 1
        if not moved:
            break
        for c in range(len(centres)):
            members = [point for point, label in zip(points, labels, strict=True) if label == c]
            if members:
                centres[c] = [sum(column) / len(members)
                              for column in zip(*members, strict=True)]
    inertia = sum(sum((p - c) ** 2 for p, c in zip(point, centres[label], strict=True))
                  for point, label in zip(points, labels, strict=True))
    return centres, labels, inertia
