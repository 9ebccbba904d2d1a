"""A real randomised incentive experiment we did not make: Thornton (2008), whose cash
incentives for learning one's HIV test result are the shape of a coupon campaign (arm:
any incentive or none; outcome: came to learn the result). Published: 34 % of those
offered nothing learned their result against 79 % of those offered an incentive, an
effect of about 45 points (Thornton 2008, American Economic Review 98(5); the simple
difference in means of Cunningham's "Causal Inference: The Mixtape", ch. 4). The data
ship with the causaldata package.
"""

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("statsmodels")
causaldata = pytest.importorskip("causaldata")

from userpersona.campaigns import ab_test, campaign_kpis  # noqa: E402
from userpersona.cli import main  # noqa: E402

T0 = pd.Timestamp("2004-06-01")
# the design offered an incentive to about three in four (Thornton 2008)
SHARES = {"incentive": 0.766, "none": 0.234}


@pytest.fixture(scope="module")
def experiment():
    data = causaldata.thornton_hiv.load_pandas().data.dropna(subset=["any", "got"])
    return data.assign(arm=np.where(data["any"] == 1, "incentive", "none"),
                       got=data["got"].astype(int),
                       age_band=pd.cut(data["age"], [0, 25, 40, 120],
                                       labels=["under 25", "25-40", "over 40"]),
                       customer_id=np.arange(len(data)))


def test_the_published_shares_and_effect(experiment):
    result = ab_test(experiment, arm="arm", outcome="got", control="none", expected_shares=SHARES)
    control, treated = result.set_index("arm").loc[["none", "incentive"]].itertuples()
    assert control.mean == pytest.approx(0.34, abs=0.005)
    assert treated.mean == pytest.approx(0.79, abs=0.005)
    assert treated.effect == pytest.approx(0.45, abs=0.005)
    assert treated.ci_low < 0.45 < treated.ci_high
    assert treated.ci_high - treated.ci_low < 0.09  # 2,894 people: a tight interval
    assert treated.p_value < 1e-50 and treated.method == "z-test"


def test_cuped_on_a_pre_treatment_covariate(experiment):
    """Distance to the results centre was fixed before the draw and predicts who came:
    CUPED on it narrows the interval and keeps the effect within the plain interval."""
    data = experiment.dropna(subset=["distvct"])
    plain = ab_test(data, arm="arm", outcome="got", control="none", kind="mean",
                    expected_shares=SHARES)
    cuped = ab_test(data, arm="arm", outcome="got", control="none", kind="mean",
                    covariate="distvct", expected_shares=SHARES)
    plain_row, cuped_row = (t.set_index("arm").loc["incentive"] for t in (plain, cuped))
    assert cuped_row.variance_reduction > 0
    assert cuped_row.ci_high - cuped_row.ci_low <= plain_row.ci_high - plain_row.ci_low
    assert plain_row.ci_low < cuped_row.effect < plain_row.ci_high


def test_by_age_band_every_band_responds(experiment):
    data = experiment.dropna(subset=["age_band"])
    result = ab_test(data, arm="arm", outcome="got", control="none", by="age_band",
                     expected_shares=SHARES)
    treated = result[result["arm"] == "incentive"]
    assert len(treated) == 3
    assert (treated["ci_low"] > 0.3).all() and (treated["p_adjusted"] < 1e-10).all()
    assert (treated["p_adjusted"] >= treated["p_value"]).all()


def test_as_a_campaign_log_the_command_finds_the_same_effect(experiment, tmp_path):
    """The experiment as a touch log (each person offered at T0, in their arm) and an order
    log (a "purchase" the next day by those who came): campaign_kpis and the command give
    the effect of ab_test."""
    touches = pd.DataFrame({"customer_id": experiment["customer_id"], "campaign": "incentive",
                            "timestamp": T0, "arm": experiment["arm"]})
    came = experiment[experiment["got"] == 1]
    orders = pd.DataFrame({"customer_id": came["customer_id"],
                           "timestamp": T0 + pd.Timedelta(days=1), "amount": 1.0})
    kpis = campaign_kpis(touches, orders, "7D", control="none", control_share=0.234,
                         random_state=0)
    direct = ab_test(experiment, arm="arm", outcome="got", control="none", expected_shares=SHARES)
    direct = direct.set_index("arm").loc["incentive"]
    assert kpis.loc[0, "incremental_conversion"] == pytest.approx(direct.effect)
    assert kpis.loc[0, "incremental_conversion_ci_low"] == pytest.approx(direct.ci_low)
    assert kpis.loc[0, "reach"] == (experiment["arm"] == "incentive").sum()

    touches.to_csv(tmp_path / "touches.csv", index=False)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["campaign", str(tmp_path / "touches.csv"), str(tmp_path / "orders.csv"),
                     "--control", "none", "--window", "7D", "--control-share", "0.234",
                     "--out", str(tmp_path / "kpis.csv"), "--report",
                     str(tmp_path / "c.html")])
    assert code == 0
    written = pd.read_csv(tmp_path / "kpis.csv")
    assert written.loc[0, "incremental_conversion"] == pytest.approx(direct.effect)
    assert f"{100 * direct.effect:.2f}" in out.getvalue()
    assert "Sample ratio as planned" in (tmp_path / "c.html").read_text(encoding="utf-8")
