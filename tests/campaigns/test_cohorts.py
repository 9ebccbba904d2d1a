"""Cohort tables and the time-to-lapse curve, on logs whose every cell is known."""

import doctest

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from userpersona.campaigns import _cohorts
from userpersona.campaigns._cohorts import cohort_table, lapse_curve

# Three monthly cohorts observed to the end of April 2024:
#   January: customers 1, 2, 3; February: 4, 5; April: 6.
ORDERS = pd.DataFrame({
    "customer_id": [1, 2, 3, 1, 1, 4, 5, 2, 4, 1, 6, 6],
    "timestamp": pd.to_datetime([
        "2024-01-03", "2024-01-15", "2024-01-31",  # January cohort, month 0
        "2024-01-20",                              # customer 1's second January order
        "2024-02-02", "2024-02-10", "2024-02-29",  # 1 back; February cohort
        "2024-03-05", "2024-03-06",                # 2 back (age 2), 4 back (age 1)
        "2024-04-30", "2024-04-01", "2024-04-02",  # 1 back (age 3); April cohort
    ]),
    "amount": [10.0, 20.0, 30.0, 5.0, 7.0, 40.0, 50.0, 11.0, 13.0, 17.0, 60.0, 6.0],
    "channel": ["web", "shop", "web", "shop", "shop", "shop", "web", "web", "web", "web",
                "web", "shop"],
})
MONTHS = pd.PeriodIndex(["2024-01", "2024-02", "2024-04"], freq="M", name="cohort")


def grid(table):
    return table.drop(columns="customers")


def test_retention_every_cell_known():
    table = cohort_table(ORDERS)
    expected = pd.DataFrame(
        [[3, 1.0, 1 / 3, 1 / 3, 1 / 3],
         [2, 1.0, 0.5, 0.0, np.nan],
         [1, 1.0, np.nan, np.nan, np.nan]],
        index=MONTHS, columns=["customers", 0, 1, 2, 3])
    expected["customers"] = expected["customers"].astype(np.int64)
    pd.testing.assert_frame_equal(table, expected)
    # April 30 is the last day of April: the last period is complete
    assert table.attrs["partial_period"] is None
    assert table.attrs["as_of"] == pd.Timestamp("2024-04-30")


def test_unobservable_cells_are_nan_observed_empty_cells_are_zero():
    table = grid(cohort_table(ORDERS))
    # the February cohort bought nothing in April (age 2): observed, so 0
    assert table.loc[pd.Period("2024-02", "M"), 2] == 0.0
    # its age 3 is May, after as_of: not observable, so NaN, never 0
    assert np.isnan(table.loc[pd.Period("2024-02", "M"), 3])
    assert table.loc[pd.Period("2024-04", "M")].iloc[1:].isna().all()


def test_retention_bounds_and_sizes():
    table = cohort_table(ORDERS, period="W")
    values = grid(table).to_numpy()
    observed = values[~np.isnan(values)]
    assert ((observed >= 0) & (observed <= 1)).all()
    assert (grid(table)[0] == 1.0).all()
    assert table["customers"].sum() == ORDERS["customer_id"].nunique()


@pytest.mark.parametrize("period", ["W", "M", "Q"])
def test_revenue_per_customer_times_size_is_the_log_revenue(period):
    # partial="keep": the part of the last period observed counts, so every order of
    # the log lands in exactly one cell
    table = cohort_table(ORDERS, period=period, metric="revenue", partial="keep")
    totals = grid(table).mul(table["customers"], axis=0)
    assert np.isclose(np.nansum(totals.to_numpy()), ORDERS["amount"].sum())
    # and each calendar period (cohort + age) adds up to the log's revenue in it
    by_calendar = {}
    for cohort, row in totals.iterrows():
        for age, value in row.dropna().items():
            by_calendar[cohort + age] = by_calendar.get(cohort + age, 0.0) + value
    calendar = ORDERS["timestamp"].dt.to_period(_cohorts._PERIOD_FREQ[period])
    log = ORDERS.groupby(calendar)["amount"].sum()
    assert set(log.index) <= set(by_calendar)
    for when, value in by_calendar.items():
        assert np.isclose(value, log.get(when, 0.0))
    totals_direct = cohort_table(ORDERS, period=period, metric="revenue", per_customer=False,
                                 partial="keep")
    pd.testing.assert_frame_equal(grid(totals_direct), totals)


def test_revenue_orders_and_cumulative_cells():
    revenue = grid(cohort_table(ORDERS, metric="revenue"))
    assert np.allclose(revenue.iloc[0, :4], [65 / 3, 7 / 3, 11 / 3, 17 / 3])
    assert np.allclose(revenue.iloc[1, :3], [45.0, 6.5, 0.0])
    cumulative = grid(cohort_table(ORDERS, metric="cumulative_revenue"))
    pd.testing.assert_frame_equal(cumulative, revenue.cumsum(axis=1).where(revenue.notna()))
    orders = cohort_table(ORDERS, metric="orders", per_customer=False)
    assert grid(orders).iloc[0, :4].tolist() == [4.0, 1.0, 1.0, 1.0]
    active = cohort_table(ORDERS, per_customer=False)
    # customer 1's two January orders make one active customer, two orders
    assert grid(active).iloc[0, 0] == 3.0 and grid(orders).iloc[0, 0] == 4.0


def test_a_partial_last_period_is_empty_unless_kept():
    empty = cohort_table(ORDERS, metric="orders", per_customer=False, as_of="2024-04-15")
    assert empty.attrs["partial_period"] == "2024-04"
    # April is observed only to the 15th: its cells (the diagonal) are NaN
    assert np.isnan(empty.loc[pd.Period("2024-01", "M"), 3])
    assert np.isnan(empty.loc[pd.Period("2024-02", "M"), 2])
    assert np.isnan(empty.loc[pd.Period("2024-04", "M"), 0])
    kept = cohort_table(ORDERS, metric="orders", per_customer=False, as_of="2024-04-15",
                        partial="keep")
    # customer 1's April 30 order is after as_of; customer 6's two are in
    assert kept.loc[pd.Period("2024-01", "M"), 3] == 0.0
    assert kept.loc[pd.Period("2024-04", "M"), 0] == 2.0
    assert kept.attrs["partial_period"] == "2024-04"
    assert kept.attrs["data_quality"]["dropped"] == {"after_as_of": 1}


def test_shuffled_rows_give_the_same_table():
    shuffled = ORDERS.sample(frac=1, random_state=3).reset_index(drop=True)
    for metric in ("retention", "revenue", "orders"):
        pd.testing.assert_frame_equal(cohort_table(shuffled, metric=metric, by="channel"),
                                      cohort_table(ORDERS, metric=metric, by="channel"))
    pd.testing.assert_frame_equal(lapse_curve(shuffled, 30), lapse_curve(ORDERS, 30))


def test_by_a_column_of_the_orders_takes_the_first_orders_value():
    table = cohort_table(ORDERS, metric="revenue", per_customer=False, by="channel")
    # first orders: 1 web, 2 shop, 3 web, 4 shop, 5 web, 6 web (on April 1; its
    # April 2 order says shop)
    assert table.index.names == ["channel", "cohort"]
    sizes = table["customers"]
    assert sizes.loc[("web", pd.Period("2024-01", "M"))] == 2
    assert sizes.loc[("shop", pd.Period("2024-01", "M"))] == 1
    assert sizes.loc[("web", pd.Period("2024-04", "M"))] == 1
    # the groups add up to the whole table, cell by cell
    whole = cohort_table(ORDERS, metric="revenue", per_customer=False)
    summed = table.groupby(level="cohort").sum(min_count=1)
    pd.testing.assert_frame_equal(summed, whole, check_names=False)


def test_by_a_column_of_a_customer_table():
    customers = pd.DataFrame({"segment": ["a", "b", "a", "b", "b", "a"]},
                             index=pd.Index([1, 2, 3, 4, 5, 6], name="customer_id"))
    table = cohort_table(ORDERS, by="segment", customers=customers)
    assert table.index.get_level_values("segment").unique().tolist() == ["a", "b"]
    assert table.loc[("a", pd.Period("2024-01", "M")), "customers"] == 2
    counts = cohort_table(ORDERS, by="segment", customers=customers, per_customer=False)
    whole = cohort_table(ORDERS, per_customer=False)
    pd.testing.assert_frame_equal(counts.groupby(level="cohort").sum(min_count=1), whole,
                                  check_names=False)
    # the customer id as a column works as well as the index
    pd.testing.assert_frame_equal(
        cohort_table(ORDERS, by="segment", customers=customers.reset_index()), table)


@pytest.mark.parametrize("kwargs, words", [
    ({"period": "D"}, "period must be one of"),
    ({"metric": "churn"}, "metric must be one of"),
    ({"partial": "drop"}, "partial must be one of"),
    ({"customer": "client"}, "customer="),
    ({"metric": "revenue", "amount": "spend"}, "amount="),
    ({"by": "region"}, "by='region'"),
    ({"by": "segment", "customers": pd.DataFrame({"segment": ["a"]}, index=[1])},
     "by='segment': 5 customers"),
    ({"as_of": "not a date"}, "as_of"),
])
def test_bad_input_names_the_parameter(kwargs, words):
    with pytest.raises(ValueError, match=words):
        cohort_table(ORDERS, **kwargs)


def test_retention_does_not_need_amounts():
    no_amount = ORDERS.drop(columns="amount")
    pd.testing.assert_frame_equal(cohort_table(no_amount), cohort_table(ORDERS))


def test_invalid_rows_raise_or_are_dropped_and_counted():
    broken = ORDERS.copy()
    broken.loc[3, "amount"] = np.nan
    with pytest.raises(ValueError, match="missing or invalid amount"):
        cohort_table(broken, metric="revenue")
    with pytest.warns(UserWarning):
        table = cohort_table(broken, metric="revenue", invalid="drop")
    assert table.attrs["data_quality"]["dropped"] == {"invalid (missing or invalid amount)": 1}


# ---------------------------------------------------------------- time to lapse

def _statsmodels_curve(durations, lapsed):
    fit = SurvfuncRight(durations, lapsed.astype(float))
    keep = fit.n_events > 0
    return (fit.surv_times[keep], fit.surv_prob[keep], fit.surv_prob_se[keep],
            fit.n_risk[keep], fit.n_events[keep])


def test_time_to_lapse_by_hand():
    # as_of April 30 with 30 days: every gap and censoring is known
    curve = lapse_curve(ORDERS, lapse_days=30)
    durations, lapsed = _cohorts._time_to_lapse(
        *_who_and_days(ORDERS), pd.Timestamp("2024-04-30").toordinal()
        - pd.Timestamp("1970-01-01").toordinal(), 30)
    # customer 1: Jan 3, Jan 20, Feb 2, Apr 30: the gap Feb 2 -> Apr 30 lapses on
    # Mar 3, 60 days after Jan 3; customer 2 lapses Jan 15 + 30, day 30;
    # customer 3 (Jan 31 only) on day 30; customer 4 (Feb 10, Mar 6) on day 55;
    # customer 5 (Feb 29 only) on day 30; customer 6 (Apr 1, 2) is censored at
    # day 29, the days from its first order to as_of
    assert durations.tolist() == [60, 30, 30, 55, 30, 29]
    assert lapsed.tolist() == [True, True, True, True, True, False]
    assert curve["days"].tolist() == [30, 55, 60]
    assert curve["at_risk"].tolist() == [5, 2, 1]
    assert curve["lapsed"].tolist() == [3, 1, 1]
    assert np.allclose(curve["survival"], [0.4, 0.2, 0.0])
    assert curve.attrs["censored"] == 1 and curve.attrs["customers"] == 6


def _who_and_days(orders):
    who = pd.factorize(orders["customer_id"], sort=True)[0]
    days = (orders["timestamp"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    return who, days


def test_polars_and_text_timestamps_read_as_pandas():
    polars = pytest.importorskip("polars")
    text = ORDERS.assign(timestamp=ORDERS["timestamp"].dt.strftime("%Y-%m-%d"))
    pd.testing.assert_frame_equal(cohort_table(polars.from_pandas(text), metric="revenue"),
                                  cohort_table(ORDERS, metric="revenue"))
    pd.testing.assert_frame_equal(lapse_curve(polars.from_pandas(text), 30),
                                  lapse_curve(ORDERS, 30))


def test_a_gap_of_exactly_lapse_days_is_not_a_lapse():
    orders = pd.DataFrame({"customer_id": [1, 1, 1],
                           "timestamp": pd.to_datetime(["2024-01-01", "2024-01-31",
                                                        "2024-03-01"])})
    curve = lapse_curve(orders, lapse_days=30, as_of="2024-03-31")
    assert curve.empty and curve.attrs["censored"] == 1
    later = lapse_curve(orders, lapse_days=30, as_of="2024-04-01")
    assert later["days"].tolist() == [90]


def _random_log(seed, n_customers=300):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 8, n_customers)
    who = np.repeat(np.arange(n_customers), counts)
    days = rng.integers(0, 400, len(who))
    return pd.DataFrame({"customer_id": who,
                         "timestamp": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"),
                         "group": rng.choice(["x", "y"], len(who))})


def _naive_time_to_lapse(orders, as_of, lapse_days):
    """The definition, customer by customer: the first gap over ``lapse_days``."""
    durations, lapsed = [], []
    orders = orders[orders["timestamp"] <= as_of]
    for _, times in orders.groupby("customer_id")["timestamp"]:
        days = sorted(times.tolist()) + [as_of]
        for before, after in zip(days[:-1], days[1:], strict=True):
            if (after - before).days > lapse_days:
                durations.append((before - days[0]).days + lapse_days)
                lapsed.append(True)
                break
        else:
            durations.append((as_of - days[0]).days)
            lapsed.append(False)
    return np.array(durations, float), np.array(lapsed)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kaplan_meier_matches_statsmodels(seed):
    orders = _random_log(seed)
    as_of = pd.Timestamp("2024-02-04")
    curve = lapse_curve(orders, lapse_days=45, as_of=as_of)
    durations, lapsed = _naive_time_to_lapse(orders, as_of, 45)
    assert 0 < curve.attrs["censored"] < len(durations)  # both kinds are present
    times, survival, std_err, at_risk, events = _statsmodels_curve(durations, lapsed)
    np.testing.assert_array_equal(curve["days"], times)
    np.testing.assert_array_equal(curve["at_risk"], at_risk)
    np.testing.assert_array_equal(curve["lapsed"], events)
    np.testing.assert_allclose(curve["survival"], survival, rtol=0, atol=1e-10)
    finite = curve["survival"] > 0  # statsmodels' error is undefined at 0 as well
    np.testing.assert_allclose(curve["std_err"][finite], std_err[finite], rtol=0, atol=1e-10)
    inside = curve.dropna()
    assert ((inside["ci_low"] <= inside["survival"])
            & (inside["survival"] <= inside["ci_high"])).all()
    assert ((inside["ci_low"] >= 0) & (inside["ci_high"] <= 1)).all()


def test_log_log_interval_by_hand():
    curve = lapse_curve(ORDERS, lapse_days=30, confidence=0.9).iloc[0]
    z = 1.6448536269514722
    greenwood = 3 / (5 * 2)
    spread = z * np.sqrt(greenwood) / abs(np.log(0.4))
    assert np.isclose(curve["std_err"], 0.4 * np.sqrt(greenwood))
    assert np.isclose(curve["ci_low"], 0.4 ** np.exp(spread))
    assert np.isclose(curve["ci_high"], 0.4 ** np.exp(-spread))


def test_censoring_only_lowers_the_number_at_risk():
    orders = _random_log(5)
    early, late = (lapse_curve(orders, 45, as_of=day) for day in ("2023-06-01", "2024-06-01"))
    # more observation censors fewer customers
    assert early.attrs["censored"] > late.attrs["censored"]
    assert late.attrs["censored"] == 0  # 400 days end before 2024-06-01 - 45 days


def test_lapse_curve_by_group_matches_each_group_alone():
    orders = _random_log(7)
    curve = lapse_curve(orders, 30, by="group")
    assert curve.columns[0] == "group" and set(curve["group"]) == {"x", "y"}
    first_group = orders.sort_values(["timestamp", "group"]).groupby("customer_id")[
        "group"].first()
    for label in ("x", "y"):
        alone = lapse_curve(orders[orders["customer_id"].map(first_group) == label], 30,
                            as_of=curve.attrs["as_of"])
        mine = curve[curve["group"] == label].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)


@pytest.mark.parametrize("kwargs, words", [
    ({"lapse_days": 0}, "lapse_days"),
    ({"lapse_days": 2.5}, "lapse_days"),
    ({"confidence": 1.5}, "confidence"),
    ({"time": "when"}, "time="),
    ({"by": "segment"}, "by='segment'"),
])
def test_lapse_curve_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        lapse_curve(ORDERS, **kwargs)


@pytest.mark.parametrize("function", [cohort_table, lapse_curve])
def test_examples_run(function):
    # run against this module, whether or not the package lists the name yet
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE
                                   | doctest.ELLIPSIS)
    for test in finder.find(function, function.__name__, module=_cohorts, globs={}):
        for example in test.examples:
            example.source = example.source.replace(
                "from userpersona.campaigns import", "from userpersona.campaigns._cohorts import")
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
