"""RFMScorer: scores, output, properties, scikit-learn use and bad input."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion, Pipeline

from tests.naive import rfm_scores
from userpersona import BinningWarning, RFMScorer

FIVE = pd.DataFrame(
    {"recency_days": [2, 15, 40, 90, 300], "frequency": [12, 6, 3, 2, 1],
     "monetary_total": [1500.0, 700.0, 260.0, 90.0, 25.0]},
    index=pd.Index([101, 102, 103, 104, 105], name="customer_id"),
)


def scorer(**params):
    return RFMScorer(**params).set_output(transform="pandas")


@st.composite
def customer_tables(draw, max_customers=120):
    """Customer tables with heavy ties and some customers without a purchase."""
    n = draw(st.integers(1, max_customers))
    ints = st.lists(st.integers(0, 30), min_size=n, max_size=n)
    recency = np.array(draw(ints), dtype=float) * draw(st.sampled_from([1, 7, 30]))
    frequency = np.array(draw(ints), dtype=float) + 1
    monetary = np.array(draw(st.lists(
        st.one_of(st.sampled_from([0.0, 9.99, 20.0]), st.floats(0, 1e5)),
        min_size=n, max_size=n)))
    no_purchase = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    no_purchase[0] = False  # at least one buyer to learn from
    recency[no_purchase] = np.nan
    frequency[no_purchase] = 0
    monetary[no_purchase] = 0
    return pd.DataFrame({"recency_days": recency, "frequency": frequency,
                         "monetary_total": monetary},
                        index=pd.Index(np.arange(n) * 3 + 7, name="customer_id"))


def quietly(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BinningWarning)
        return function(*args)


# -- scores ------------------------------------------------------------------


def test_hand_made_customers_get_the_expected_scores_and_segments():
    out = scorer().fit_transform(FIVE)
    assert out.index.equals(FIVE.index)
    assert out["rfm_code"].tolist() == ["555", "444", "333", "222", "111"]
    assert out["rfm_score"].tolist() == [15.0, 12.0, 9.0, 6.0, 3.0]
    assert out["rfm_segment"].tolist() == [
        "Champions", "Loyal", "Need Attention", "Hibernating", "Lost"]


@pytest.mark.parametrize("n_bins", [3, 4, 5, 10])
def test_other_bin_counts(n_bins):
    rng = np.random.default_rng(n_bins)
    table = pd.DataFrame({"recency_days": rng.permutation(200), "frequency": rng.permutation(200),
                          "monetary_total": rng.random(200) * 100})
    fitted = scorer(n_bins=n_bins).fit(table)
    out = fitted.transform(table)
    assert fitted.bin_edges_.shape == (3, n_bins - 1)
    for column in ["r_score", "f_score", "m_score"]:
        assert sorted(out[column].unique()) == list(range(1, n_bins + 1))
    sep = "-" if n_bins >= 10 else ""
    first = out.iloc[0]
    assert out["rfm_code"].iloc[0] == sep.join(
        str(first[c]) for c in ["r_score", "f_score", "m_score"])
    assert out["rfm_segment"].notna().all()


@settings(max_examples=60, deadline=None)
@given(table=customer_tables(), n_bins=st.sampled_from([3, 4, 5, 10]))
def test_scores_follow_the_rule_and_stay_in_range(table, n_bins):
    out = quietly(scorer(n_bins=n_bins).fit_transform, table)
    expected = rfm_scores(table, n_bins)
    for name in "rfm":
        column = out[f"{name}_score"].to_numpy()
        assert column.min() >= 1 and column.max() <= n_bins
        np.testing.assert_array_equal(column, expected[name])
    # equal values, equal scores
    for column, score in [("recency_days", "r_score"), ("frequency", "f_score"),
                          ("monetary_total", "m_score")]:
        bought = table["recency_days"].notna()
        assert (out[bought].groupby(table.loc[bought, column])[score].nunique() == 1).all()


@settings(max_examples=40, deadline=None)
@given(table=customer_tables(), probe=st.lists(st.floats(0, 2e5), min_size=2, max_size=50))
def test_scores_are_monotone_in_each_value(table, probe):
    fitted = quietly(scorer().fit, table)
    probe = np.sort(probe)
    for column, score, direction in [("recency_days", "r_score", -1),
                                     ("frequency", "f_score", 1),
                                     ("monetary_total", "m_score", 1)]:
        rows = pd.DataFrame({c: np.full(len(probe), table[c].iloc[0]) for c in table.columns})
        rows[column] = probe
        scores = fitted.transform(rows)[score].to_numpy()
        assert np.all(direction * np.diff(scores) >= 0)


@settings(max_examples=40, deadline=None)
@given(table=customer_tables(), seed=st.integers(0, 2**32 - 1), cut=st.floats(0, 1))
def test_row_order_and_batches_do_not_change_any_customers_output(table, seed, cut):
    fitted = quietly(scorer(segments="cn8").fit, table)
    whole = fitted.transform(table)
    shuffled = table.sample(frac=1, random_state=seed % 2**32)
    refitted = quietly(scorer(segments="cn8").fit, shuffled)
    np.testing.assert_array_equal(refitted.bin_edges_, fitted.bin_edges_)
    pd.testing.assert_frame_equal(refitted.transform(shuffled).loc[table.index], whole)
    split = int(cut * len(table))
    batches = pd.concat([fitted.transform(table.iloc[:split]),
                         fitted.transform(table.iloc[split:])])
    pd.testing.assert_frame_equal(batches, whole)


def test_customers_without_a_purchase_score_one_and_are_left_out_of_fitting():
    with_none = pd.concat([FIVE, pd.DataFrame(
        {"recency_days": [np.nan], "frequency": [0], "monetary_total": [0.0]},
        index=pd.Index([999], name="customer_id"))])
    fitted = scorer().fit(with_none)
    np.testing.assert_array_equal(fitted.bin_edges_, scorer().fit(FIVE).bin_edges_)
    row = fitted.transform(with_none).loc[999]
    assert (row["r_score"], row["f_score"], row["m_score"]) == (1, 1, 1)
    assert row["rfm_segment"] == "No Purchase" and row["rfm_code"] == "111"
    assert scorer(segments="cn8").fit(with_none).transform(with_none).loc[999, "rfm_segment"] \
        == "未购买客户"


def test_heavy_ties_warn_with_the_number_of_scores_left():
    table = FIVE.assign(frequency=[1, 1, 1, 2, 1])
    with pytest.warns(BinningWarning, match=r"'frequency' has only 2 distinct scores out of 5: "
                                            r"80\.0% of the customers share the value 1"):
        fitted = RFMScorer().fit(table)
    np.testing.assert_array_equal(fitted.n_distinct_scores_, [5, 2, 5])
    np.testing.assert_array_equal(fitted.bin_edges_[1], [1, 1, 1, 1])
    assert fitted.set_output(transform="pandas").transform(table)["f_score"].tolist() == [
        1, 1, 1, 5, 1]


def test_fewer_distinct_values_than_bins_keep_one_score_per_value():
    table = pd.DataFrame({"recency_days": [1, 2, 1, 2], "frequency": [3, 3, 3, 3],
                          "monetary_total": [5.0, 5.0, 5.0, 5.0]})
    with pytest.warns(BinningWarning):
        out = scorer(n_bins=10).fit_transform(table)
    assert out["f_score"].nunique() == 1 and out["m_score"].nunique() == 1
    assert out["r_score"].nunique() == 2


def test_fixed_edges_use_the_documented_intervals():
    edges = {"recency": [30, 90, 180, 365], "frequency": [1, 2, 3, 5],
             "monetary": [50, 100, 200, 500]}
    table = pd.DataFrame({"recency_days": [0, 30, 31, 365, 366],
                          "frequency": [1, 2, 3, 5, 6],
                          "monetary_total": [50.0, 50.01, 200, 500, 501]})
    out = scorer(strategy="fixed", edges=edges).fit_transform(table)
    assert out["r_score"].tolist() == [5, 5, 4, 2, 1]
    assert out["f_score"].tolist() == [1, 2, 3, 4, 5]
    assert out["m_score"].tolist() == [1, 2, 3, 4, 5]


def test_fixed_edges_for_one_dimension_and_quantiles_for_the_others():
    fitted = scorer(edges={"frequency": [1, 2, 3, 5]}).fit(FIVE)
    np.testing.assert_array_equal(fitted.bin_edges_[1], [1, 2, 3, 5])
    np.testing.assert_array_equal(fitted.bin_edges_[0], RFMScorer().fit(FIVE).bin_edges_[0])


def test_weights_make_the_combined_score():
    out = scorer(weights=[0.5, 0.25, 0.25]).fit_transform(FIVE)
    np.testing.assert_allclose(out["rfm_score"], [5, 4, 3, 2, 1])


# -- output and scikit-learn use -------------------------------------------------


def test_default_output_is_an_array_and_names_follow_the_options():
    fitted = RFMScorer().fit(FIVE)
    out = fitted.transform(FIVE)
    assert isinstance(out, np.ndarray) and out.shape == (5, 6)
    assert out[0].tolist() == [5, 5, 5, "555", 15.0, "Champions"]
    numeric = RFMScorer(code=False, segments=None).fit(FIVE)
    assert numeric.get_feature_names_out().tolist() == [
        "r_score", "f_score", "m_score", "rfm_score"]
    assert numeric.transform(FIVE).dtype == np.float64


def test_pandas_output_is_typed():
    out = scorer().fit_transform(FIVE)
    assert out.dtypes["r_score"] == np.int64
    assert isinstance(out.dtypes["rfm_segment"], pd.CategoricalDtype)
    assert list(out["rfm_segment"].cat.categories)[-1] == "No Purchase"


def test_polars_in_and_out():
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(FIVE.reset_index())
    out = RFMScorer().set_output(transform="polars").fit(frame).transform(frame)
    assert isinstance(out, pl.DataFrame)
    assert out["rfm_segment"].to_list()[0] == "Champions"


def test_clone_and_pickle_give_the_same_output():
    fitted = scorer(segments="cn8_en").fit(FIVE)
    restored = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(restored.transform(FIVE), fitted.transform(FIVE))
    cloned = clone(fitted)
    assert not hasattr(cloned, "bin_edges_")
    pd.testing.assert_frame_equal(cloned.fit(FIVE).transform(FIVE), fitted.transform(FIVE))


def test_in_a_pipeline_and_a_feature_union():
    pipeline = Pipeline([("rfm", RFMScorer())]).set_output(transform="pandas")
    pd.testing.assert_frame_equal(pipeline.fit_transform(FIVE), scorer().fit_transform(FIVE))
    union = FeatureUnion([("rfm11", RFMScorer()),
                          ("cn8", RFMScorer(segments="cn8_en", code=False))])
    out = union.set_output(transform="pandas").fit_transform(FIVE)
    assert "rfm11__rfm_segment" in out and "cn8__rfm_segment" in out
    assert out.index.equals(FIVE.index)


def test_segment_summary_adds_up():
    table = pd.concat([FIVE, FIVE.assign(recency_days=np.nan, frequency=0, monetary_total=0.0)
                       .set_axis(FIVE.index + 100)])
    summary = RFMScorer().fit(table).segment_summary(table)
    assert summary["customers"].sum() == len(table)
    assert summary["share"].sum() == pytest.approx(1)
    assert summary["revenue"].sum() == pytest.approx(FIVE["monetary_total"].sum())
    assert summary["revenue_share"].sum() == pytest.approx(1)
    assert summary.loc["No Purchase", "customers"] == 5
    assert summary.loc["Promising", "customers"] == 0  # empty segments are listed
    champions = summary.loc["Champions"]
    assert champions["average_order_value"] == pytest.approx(1500 / 12)
    with pytest.raises(ValueError, match="segments=None"):
        RFMScorer(segments=None).fit(FIVE).segment_summary(FIVE)


# -- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("table, error, match", [
    (FIVE.drop(columns="frequency").assign(frequncy=1), ValueError,
     r"no column 'frequency' \(given as frequency=\). Did you mean 'frequncy'\?"),
    (FIVE.assign(monetary_total=["a", "b", "c", "d", "e"]), TypeError,
     r"Column 'monetary_total' is not numeric"),
    (FIVE.assign(frequency=True), TypeError, r"'frequency' is not numeric \(dtype bool\)"),
    (FIVE.assign(recency_days=pd.Timestamp("2024-01-01")), TypeError,
     r"'recency_days' is not numeric"),
    (FIVE.assign(frequency=[1, -2, 3, 4, 5]), ValueError,
     r"Column 'frequency' has 1 negative values \(first at index 102, value -2.0\)"),
    (FIVE.assign(monetary_total=[1.0, 2, -3, 4, -5]), ValueError,
     r"'monetary_total' has 2 negative values.*clip spend at zero"),
    (FIVE.assign(monetary_total=[1.0, 2, np.inf, 4, 5]), ValueError,
     r"'monetary_total' has 1 infinite values"),
    (FIVE.assign(frequency=[1.0, np.nan, 3, 4, 5]), ValueError,
     r"'frequency' has 1 missing values for customers with a purchase"),
    (FIVE.assign(recency_days=np.nan), ValueError, "No customer in X has a purchase"),
    (FIVE.iloc[:0], ValueError, "0 customers"),
])
def test_bad_input_is_refused_before_any_work(table, error, match):
    with pytest.raises(error, match=match):
        RFMScorer().fit(table)


@pytest.mark.parametrize("params, match", [
    ({"segments": "rfm12"}, r"'segments' parameter of RFMScorer must be"),
    ({"n_bins": 1}, r"'n_bins' parameter of RFMScorer must be an int in the range \[2, 20\]"),
    ({"n_bins": 21}, r"'n_bins'"),
    ({"strategy": "fixed"}, r"strategy='fixed' needs edges for every dimension"),
    ({"edges": {"recent": [1, 2, 3, 4]}}, r"edges has unknown keys \['recent'\]"),
    ({"edges": {"recency": [1, 2, 3]}}, r"edges\['recency'\] must hold n_bins - 1 = 4 numbers"),
    ({"edges": {"recency": [1, 3, 2, 4]}}, r"must be finite and strictly increasing"),
    ({"weights": [1, -1, 1]}, r"weights must be three non-negative numbers"),
    ({"recency": 7}, r"X has 3 feature\(s\), so there is no column at position 7"),
])
def test_bad_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        RFMScorer(**params).fit(FIVE)


def test_arrays_need_column_positions():
    with pytest.raises(ValueError, match=r"X has no column names, so recency='recency_days'"):
        RFMScorer().fit(FIVE.to_numpy())
    out = RFMScorer(recency=0, frequency=1, monetary=2).fit(FIVE.to_numpy()).transform(
        FIVE.to_numpy())
    assert out[0, 3] == "555"


def test_transform_checks_the_columns_seen_in_fit():
    fitted = RFMScorer().fit(FIVE)
    with pytest.raises(ValueError, match="Feature names"):
        fitted.transform(FIVE.assign(extra=1))
