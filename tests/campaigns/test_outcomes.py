"""campaign_outcomes: against a loop over customers, at the window's edges, and on real
orders (CDNOW) split at random, where no campaign ran and the tests must not find one."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

pytest.importorskip("statsmodels")

from userpersona.campaigns import ab_test, campaign_kpis, campaign_outcomes  # noqa: E402
from userpersona.datasets import load_cdnow, make_campaign  # noqa: E402

T0 = pd.Timestamp("2024-03-01 12:00:00")


def _random_logs(seed):
    rng = np.random.default_rng(seed)
    n_touches, n_orders = 300, 900
    touches = pd.DataFrame({
        "customer_id": rng.integers(0, 120, n_touches),
        "campaign": rng.choice(["a", "b"], n_touches),
        "timestamp": T0 + pd.to_timedelta(rng.integers(0, 20 * 86400, n_touches), unit="s"),
        "arm": rng.choice(["control", "x", "y"], n_touches),
        "tier": rng.choice(["low", "high"], n_touches),
    })
    orders = pd.DataFrame({
        "customer_id": rng.integers(0, 150, n_orders),
        "timestamp": T0 + pd.to_timedelta(rng.integers(-60 * 86400, 50 * 86400, n_orders),
                                          unit="s"),
        "amount": rng.gamma(2.0, 20.0, n_orders).round(2) * rng.choice([1, 1, 1, -1],
                                                                        n_orders),
    })
    return touches, orders


def _by_hand(touches, orders, window, pre_period):
    rows = []
    for (campaign, customer), log in touches.groupby(["campaign", "customer_id"]):
        first = log.sort_values("timestamp", kind="stable").iloc[0]
        mine = orders[orders["customer_id"] == customer]
        inside = mine[(mine["timestamp"] >= first["timestamp"])
                      & (mine["timestamp"] <= first["timestamp"] + window)]
        before = mine[(mine["timestamp"] < first["timestamp"])
                      & (mine["timestamp"] >= first["timestamp"] - pre_period)]
        rows.append({"campaign": campaign, "customer_id": customer, "arm": first["arm"],
                     "first_touch": first["timestamp"], "tier": first["tier"],
                     "converted": int(len(inside) > 0), "revenue": inside["amount"].sum(),
                     "orders": len(inside), "pre_revenue": before["amount"].sum(),
                     "pre_orders": len(before)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_outcomes_equal_a_loop_over_customers(seed):
    touches, orders = _random_logs(seed)
    window, pre = pd.Timedelta("7D"), pd.Timedelta("30D")
    found = campaign_outcomes(touches, orders, window, by="tier", pre_period=pre)
    expected = _by_hand(touches, orders, window, pre)
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    assert found["converted"].sum() > 20 and found["pre_orders"].sum() > 20  # not all empty


def test_the_window_includes_its_end_and_not_a_second_more():
    touches = pd.DataFrame({"customer_id": [1, 2, 3], "campaign": "c", "timestamp": T0})
    orders = pd.DataFrame({"customer_id": [1, 2, 3],
                           "timestamp": [T0 + pd.Timedelta("14D"),
                                         T0 + pd.Timedelta("14D") + pd.Timedelta("1s"),
                                         T0 - pd.Timedelta("1s")],
                           "amount": [10.0, 20.0, 30.0]})
    found = campaign_outcomes(touches, orders, "14D", pre_period="1D")
    assert found["converted"].tolist() == [1, 0, 0]
    assert found["pre_revenue"].tolist() == [0.0, 0.0, 30.0]
    assert (found["arm"] == "treatment").all()  # no arm column: all treated


def test_kpis_are_sums_of_the_outcomes():
    data = make_campaign(5_000, random_state=3)
    outcomes = campaign_outcomes(data.touches, data.orders)
    kpis = campaign_kpis(data.touches, data.orders, random_state=0)
    treated = outcomes[outcomes["arm"] == "treatment"]
    assert kpis.loc[0, "reach"] == len(treated)
    assert kpis.loc[0, "conversions"] == treated["converted"].sum()
    assert kpis.loc[0, "revenue"] == pytest.approx(treated["revenue"].sum())
    assert kpis.attrs["by"] == []


def test_bad_input_names_the_parameter():
    touches, orders = _random_logs(0)
    with pytest.raises(ValueError, match="pre_period"):
        campaign_outcomes(touches, orders, pre_period="-3D")
    with pytest.raises(ValueError, match="touches has no column"):
        campaign_outcomes(touches.drop(columns="campaign"), orders)
    with pytest.raises(ValueError, match="by='segment'"):
        campaign_outcomes(touches, orders, by="segment")


def test_real_orders_split_at_random_show_no_effect():
    """CDNOW's real orders, its customers split into two arms at random on a day when no
    campaign ran: over 60 splits the tests of conversion and revenue reject at their
    level (alpha = 0.1), within the 99.9 % range of Binomial(60, 0.1)."""
    orders = load_cdnow().rename(columns={"date": "timestamp"})
    start = pd.Timestamp("1997-10-01")
    active = orders.loc[orders["timestamp"] < start, "customer_id"].unique()
    rng = np.random.default_rng(7)
    rejected = {"converted": 0, "revenue": 0}
    n_splits, alpha = 60, 0.1
    touches = pd.DataFrame({"customer_id": active, "campaign": "none", "timestamp": start})
    # what each customer bought does not depend on the arm drawn: one pass over the log
    outcomes = campaign_outcomes(touches, orders, "60D")
    for _ in range(n_splits):
        split = outcomes.assign(arm=rng.choice(["control", "treatment"], len(outcomes)))
        for outcome, kind in (("converted", "proportion"), ("revenue", "mean")):
            test = ab_test(split, arm="arm", outcome=outcome, kind=kind, alpha=alpha,
                           n_resamples=200, random_state=0)
            rejected[outcome] += int(test["p_value"].iloc[1] < alpha)
    high = stats.binom.ppf(0.9995, n_splits, alpha)
    for outcome, count in rejected.items():
        assert count <= high, (outcome, count)
    # the real log does convert: the test is not vacuous
    assert 0.05 < outcomes["converted"].mean() < 0.5


def test_nothing_is_left_out_without_a_word():
    touches, orders = _random_logs(4)
    # a customer touched in two arms is counted once, in the first, and reported
    with pytest.warns(UserWarning, match=r"touched in more than one arm"):
        found = campaign_outcomes(touches, orders)
    assert not found.duplicated(["campaign", "customer_id"]).any()
    # segment values missing, or customers missing from the customer table: refused
    with pytest.raises(ValueError, match="by='tier' has missing values"):
        ab_test(found.assign(tier=None), arm="arm", outcome="converted", by="tier")
    with pytest.raises(ValueError, match=r"touches\['tier'\] has missing values"):
        campaign_kpis(touches.assign(tier=None), orders, by="tier")
    customers = pd.DataFrame({"customer_id": [0, 1, 2], "tier2": ["a", "b", "c"]})
    with pytest.raises(ValueError, match="not in customers, so they have no 'tier2'"):
        campaign_outcomes(touches, orders, by="tier2", customers=customers)
    # one log with a timezone and the other without cannot be compared
    aware = orders.assign(timestamp=orders["timestamp"].dt.tz_localize("UTC"))
    with pytest.raises(ValueError, match=r"orders\['timestamp'\] has a timezone"):
        campaign_outcomes(touches, aware)
