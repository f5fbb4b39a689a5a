# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 18: an explainable, audited ML system
#
# This notebook is a worked version of the Week 18 checkpoint project: take a model, explain it
# globally and locally, audit it for fairness across groups, mitigate what the audit finds and measure
# what the mitigation costs, and write a model card from the measured numbers. Try the project on your
# own first.
#
# | Project task | Where |
# |---|---|
# | Take an existing model | sections 1-2: a credit model trained on historical decisions |
# | Add comprehensive explanations | sections 3-5: permutation importance, SHAP (checked against exact Shapley values), LIME, counterfactuals |
# | Implement fairness checks | section 6: Fairlearn's `MetricFrame`, checked by hand, and why "unawareness" fails |
# | (Detect and mitigate bias) | section 7: threshold optimization, its accuracy cost with bootstrap intervals |
# | Build an interpretability dashboard | section 8: a one-figure dashboard and the `explain` function behind it |
# | Create a model card | section 9: generated from the measured numbers and written to a Markdown file |
#
# The data are generated, and that is the point. Public fairness data sets (Adult, COMPAS, German
# credit) need a download, and on them nobody knows the true amount of bias, so no audit can be checked.
# Here the notebook *injects* a known bias into the historical labels and hides a proxy for the
# protected group among the features, so every explanation and every fairness number can be held
# against the truth. The cell **On your machine** at the end loads the classic data sets instead.
#
# Background: the [SHAP](../../guides/explainable-ai/#shap) and [LIME](../../guides/explainable-ai/#lime)
# sections of Explainable AI and the [limits of explanations](../../guides/explainable-ai/#limits);
# [fairness metrics](../../guides/ai-ethics-and-fairness/#fairness-metrics),
# [mitigation](../../guides/ai-ethics-and-fairness/#mitigation) and
# [model cards](../../guides/ai-ethics-and-fairness/#model-cards) in AI Ethics and Fairness.

# %%
import itertools
import math
import tempfile
import time
from pathlib import Path

import fairlearn
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shap
import sklearn
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from fairlearn.postprocessing import ThresholdOptimizer
from lime.lime_tabular import LimeTabularExplainer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import accuracy_score, roc_auc_score

notebook_start = time.process_time()
print(f"scikit-learn {sklearn.__version__}, shap {shap.__version__}, fairlearn {fairlearn.__version__}")

# %% [markdown]
# ## 1. A lending data set with a known, injected bias
#
# Each row is a loan application. Two groups of applicants, A (60%) and B (40%), stand for a protected
# attribute such as ethnicity. The generating story has three parts:
#
# 1. **What the applicant can afford.** A creditworthiness score is a fixed function of income, debt
#    ratio, years employed, past late payments and the loan amount, plus noise. Those five features
#    have the *same distribution in both groups*, so the fair decision, "approve when the score is
#    positive", approves both groups at the same rate, by construction.
# 2. **What the loan officers decided.** The historical labels are the officers' decisions, and they
#    subtracted a penalty from every group-B applicant's score: **historical bias**, written into the
#    labels a model will learn from. We keep both labels: `y_hist`, what a bank would have, and
#    `y_fair`, what it would not have (the decision without the penalty).
# 3. **A proxy.** Group B lives mostly in postcode areas 2 and 3, group A mostly in 0 and 1. The
#    postcode has no effect on creditworthiness at all; it only carries information about the group.
#    The application month is pure noise: the second feature whose true importance is known to be zero.
#
# The model will not be given the group: that is "fairness through unawareness", and section 6 shows
# why it fails.

# %%
rng = np.random.default_rng(0)
n = 12_000
group = np.where(rng.random(n) < 0.4, "B", "A")
is_b = group == "B"
postcode = np.where(is_b, rng.choice(4, n, p=[0.1, 0.1, 0.4, 0.4]), rng.choice(4, n, p=[0.4, 0.4, 0.1, 0.1]))
X = pd.DataFrame(
    {
        "income": rng.lognormal(np.log(40), 0.4, n),  # thousands per year
        "debt_ratio": rng.beta(2, 5, n),  # monthly debt payments / monthly income
        "years_employed": rng.gamma(2.0, 3.0, n),
        "late_payments": rng.poisson(0.8, n).astype(float),  # in the last two years
        "loan_amount": rng.lognormal(np.log(15), 0.5, n),  # thousands
        "postcode_area": postcode.astype(float),  # the proxy: no effect on the score
        "application_month": rng.integers(1, 13, n).astype(float),  # pure noise
    }
)
FEATURES = list(X.columns)
score = (
    1.5 * np.log(X.income / 40)
    - 5.0 * (X.debt_ratio - 0.28)
    + 0.15 * (X.years_employed - 6)
    - 0.9 * (X.late_payments - 0.8)
    - 0.8 * np.log(X.loan_amount / 15)
).to_numpy() + rng.logistic(0, 0.3, n)
PENALTY = 1.0  # what the officers subtracted from group B's score
y_fair = (score > 0).astype(int)
y_hist = (score - PENALTY * is_b > 0).astype(int)

# Training, validation (for the mitigation in section 7) and test sets.
tr, va, te = np.arange(0, 5000), np.arange(5000, 8000), np.arange(8000, n)
rates = pd.DataFrame({"fair decision": y_fair, "historical decision": y_hist, "group": group}).groupby("group").mean()
print(rates.round(3).to_string())
print(f"share of group B by postcode area: {pd.Series(is_b).groupby(postcode).mean().round(2).to_dict()}")

# Claims: equal fair approval rates (by construction), a large gap in the historical labels, a strong proxy.
assert abs(rates.loc["A", "fair decision"] - rates.loc["B", "fair decision"]) < 0.03
assert rates.loc["A", "historical decision"] - rates.loc["B", "historical decision"] > 0.15
assert np.corrcoef(postcode >= 2, is_b)[0, 1] > 0.5

# %% [markdown]
# ## 2. The model: gradient boosting on the historical decisions
#
# The "existing model" is what a team would build from these records: gradient-boosted trees
# (150 trees of depth 3) trained to reproduce the historical decisions, on every feature except the
# group. It is evaluated as the team would evaluate it, against held-out historical decisions, and,
# since we can here, against the fair decisions too.

# %%
model = GradientBoostingClassifier(n_estimators=150, max_depth=3, learning_rate=0.1, random_state=0)
model.fit(X.iloc[tr], y_hist[tr])
X_te, g_te = X.iloc[te], group[te]
pred = model.predict(X_te)
proba = model.predict_proba(X_te)[:, 1]
acc_hist, acc_fair = accuracy_score(y_hist[te], pred), accuracy_score(y_fair[te], pred)
auc = roc_auc_score(y_hist[te], proba)
print(f"test accuracy vs historical decisions {acc_hist:.3f} (AUC {auc:.3f}); vs fair decisions {acc_fair:.3f}")
print(f"approval rate: A {pred[g_te == 'A'].mean():.3f}, B {pred[g_te == 'B'].mean():.3f}")
assert acc_hist > 0.8 and auc > 0.9
assert pred[g_te == "A"].mean() > pred[g_te == "B"].mean() + 0.03  # the model never saw the group, yet...

# %% [markdown]
# ## 3. Global explanations: which features does the model use?
#
# Two global views, with different meanings:
#
# - **Permutation importance** (Breiman, 2001; scikit-learn's `permutation_importance`): shuffle one
#   feature's column in the test set, breaking its link to the labels, and measure how much accuracy
#   drops; repeat 10 times for a spread. It measures how much the *model's performance* depends on the
#   feature. Its trap: when two features are correlated, shuffling one leaves its information in the
#   other, and both look unimportant (and the shuffled rows can be unrealistic). Here the features are
#   independent by construction, so the trap does not bite; on real data, check correlations first.
# - **Mean absolute SHAP value**: how far, on average, each feature moves the model's output (in
#   log-odds) away from the average prediction. It measures how much the *model's output* depends on the
#   feature, whether or not that helps accuracy.
#
# SHAP values (Lundberg & Lee, 2017) are Shapley values (Shapley, 1953) of a game whose players are the
# features: the value of a coalition $S$ is the model's expected output when only the features in $S$
# are known, and feature $i$ gets its average marginal contribution over all orders of joining,
#
# $$
# \phi_i = \sum_{S \subseteq F \setminus \{i\}} \frac{|S|!\,(|F|-|S|-1)!}{|F|!}\,\bigl(v(S \cup \{i\}) - v(S)\bigr).
# $$
#
# They add up: $\sum_i \phi_i = f(x) - \mathbb{E}[f]$ ("local accuracy"). For trees, `shap.TreeExplainer`
# computes them exactly in polynomial time (Lundberg et al., 2020); section 4 checks that claim.

# %%
perm = permutation_importance(model, X_te, y_hist[te], n_repeats=10, random_state=0, scoring="accuracy")
explainer = shap.TreeExplainer(model)  # "tree_path_dependent": the trees' own training statistics
shap_te = explainer(X_te)  # an Explanation: values (rows x features), base_values, data
mean_abs_shap = np.abs(shap_te.values).mean(axis=0)
importance = pd.DataFrame(
    {"permutation (accuracy drop)": perm.importances_mean, "± std": perm.importances_std, "mean |SHAP|": mean_abs_shap},
    index=FEATURES,
).sort_values("mean |SHAP|", ascending=False)
print(importance.round(4).to_string())

# Claims: local accuracy; the noise feature is unimportant by both measures; the proxy is used.
logit = model.decision_function(X_te)
assert np.abs(shap_te.values.sum(axis=1) + shap_te.base_values - logit).max() < 1e-6
month, proxy = importance.loc["application_month"], importance.loc["postcode_area"]
assert month["permutation (accuracy drop)"] < 0.005 and month["mean |SHAP|"] == importance["mean |SHAP|"].min()
assert proxy["mean |SHAP|"] > 5 * month["mean |SHAP|"]
assert proxy["permutation (accuracy drop)"] > 3 * proxy["± std"]  # clearly above zero
print("SHAP values add up to the model's log-odds for every test applicant (within 1e-6)")

# %%
shap.plots.beeswarm(shap_te, max_display=7, show=False)
plt.title("SHAP values on the test set (log-odds of approval)")
plt.tight_layout()
plt.show()

# %% [markdown]
# The beeswarm shows each applicant as a dot per feature, at its SHAP value, coloured by the feature's
# value. The legitimate features behave as the generating formula says (high debt ratio and late
# payments push towards refusal, high income towards approval), and `application_month` stays close to
# zero.
#
# `postcode_area` should also sit at zero: it has no effect on creditworthiness. It does not, because
# the model learned from biased decisions, and the postcode was the only way to predict the penalty.
# Grouping its SHAP values by the applicants' group, which the model never saw, makes that visible:

# %%
postcode_shap = pd.Series(shap_te.values[:, FEATURES.index("postcode_area")]).groupby(g_te).mean()
print(f"mean SHAP value of postcode_area, log-odds: A {postcode_shap['A']:+.3f}, B {postcode_shap['B']:+.3f}")
assert postcode_shap["B"] < -0.1 < 0.05 < postcode_shap["A"]

# %% [markdown]
# An explanation here did its job as an **audit tool**: it pointed at a feature with no business reason
# to matter and showed whom it hurts. It did not say the model is unfair; that needs the group labels
# and section 6's metrics, and on real data a feature like the postcode can carry legitimate
# information too (local economic conditions), which only domain knowledge can weigh.

# %% [markdown]
# ## 4. Checking SHAP against the definition
#
# `TreeExplainer` above uses the trees' own statistics for "the expected output when only $S$ is
# known". With a background data set it computes **interventional** SHAP values instead:
# $v(S) = \frac{1}{|D|}\sum_{b \in D} f(x_S, b_{\bar S})$, the average output when the features in $S$
# take the applicant's values and the others take each background row's values. With 7 features
# there are only $2^7 = 128$ coalitions, so the definition can be evaluated directly: 128 × 100
# model evaluations per applicant. The cell does that for three applicants and compares.

# %%
background = X.iloc[tr[:100]]
interventional = shap.TreeExplainer(model, data=background, feature_perturbation="interventional")
d = len(FEATURES)
coalitions = np.array(list(itertools.product([False, True], repeat=d)))  # all 2^d subsets as masks
index_of = {tuple(c): k for k, c in enumerate(coalitions)}


def exact_shapley(x):
    """Shapley values of v(S) = mean over the background of f(x on S, background elsewhere), in log-odds."""
    mixed = np.where(coalitions[:, None, :], x[None, None, :], background.to_numpy()[None, :, :])
    v = model.decision_function(pd.DataFrame(mixed.reshape(-1, d), columns=FEATURES))
    v = v.reshape(len(coalitions), len(background)).mean(axis=1)
    phi = np.zeros(d)
    for k, c in enumerate(coalitions):
        size = c.sum()
        for i in np.flatnonzero(~c):
            weight = math.factorial(size) * math.factorial(d - size - 1) / math.factorial(d)
            with_i = c.copy()
            with_i[i] = True
            phi[i] += weight * (v[index_of[tuple(with_i)]] - v[k])
    return phi, v[0]  # v(empty set) is the mean output over the background


for row in X_te.iloc[:3].to_numpy():
    phi, v_empty = exact_shapley(row)
    lib = interventional.shap_values(row[None, :])[0]
    assert np.abs(phi - lib).max() < 1e-6
    assert abs(interventional.expected_value - v_empty) < 1e-9
print("interventional TreeSHAP = Shapley values from the definition (3 applicants, max difference < 1e-6)")

# %% [markdown]
# The two flavours answer slightly different questions. *Path-dependent* values (the default without
# background data) condition on the trees' own training splits, an approximation of "$x_S$ known, the
# rest as usual given $x_S$"; *interventional* values break dependence between features and ask "what
# if only these features were set?", with the background set standing for "the data" (100 rows give
# a noisy estimate of it). With correlated features the two can differ widely; the interventional game
# is the one that describes what the model does (Janzing et al., 2020), at the price of evaluating it
# on feature combinations that may never occur together.
#
# (The bound is $10^{-6}$, not float64's $10^{-15}$: like scikit-learn's trees, SHAP's tree code
# compares the features in float32.)

# %% [markdown]
# ## 5. Local explanations: one applicant
#
# Take the group-B applicant in postcode area 2 or 3 whom the model refused and whose approval
# probability would rise the most in postcode area 0, the area most common in group A. Three local
# explanations answer three questions:
#
# - **SHAP** (a waterfall): how did each feature move this applicant's log-odds from the average?
# - **LIME** (Ribeiro et al., 2016): which simple, weighted linear model of binarized features
#   (quartile bins) best imitates the model in a neighbourhood of this applicant? LIME samples that
#   neighbourhood at random, so its answer depends on the seed and the sample size, and it reports how
#   well its linear model fits (`score`, a weighted $R^2$).
# - **Counterfactuals** (Wachter et al., 2017): what would have to change for the decision to change?
#   Two of them: moving the applicant to postcode area 0 (which no applicant can be asked to do, and
#   which should change nothing), and the smallest reduction of the debt ratio that gets an approval
#   (recourse: something the applicant could act on).

# %%
refused_b = np.flatnonzero((g_te == "B") & (pred == 0) & (X_te.postcode_area.to_numpy() >= 2))
moved = X_te.iloc[refused_b].assign(postcode_area=0.0)
flips = refused_b[model.predict(moved) == 1]
jump = model.predict_proba(moved)[:, 1] - model.predict_proba(X_te.iloc[refused_b])[:, 1]
case = refused_b[np.argmax(jump)]  # the refused applicant whom the postcode costs the most
applicant = X_te.iloc[[case]]
p_case = model.predict_proba(applicant)[0, 1]
p_moved = model.predict_proba(applicant.assign(postcode_area=0.0))[0, 1]
print(f"{len(refused_b)} refused B applicants in areas 2-3; moving to area 0 alone approves {len(flips)} of them")
print("applicant:", applicant.round(2).to_dict("records")[0])
print(f"approval probability {p_case:.2f}; in postcode area 0 instead: {p_moved:.2f}")
print(f"this applicant's fair decision (known here only): {'approve' if y_fair[te][case] else 'refuse'}")
assert p_case < 0.5 < p_moved and len(flips) > 0

shap.plots.waterfall(shap_te[case], max_display=8, show=False)
plt.title("Why this applicant was refused (SHAP, log-odds)", pad=24)
plt.tight_layout()
plt.show()

# %%
lime_explainer = LimeTabularExplainer(
    X.iloc[tr].to_numpy(),
    feature_names=FEATURES,
    class_names=["refuse", "approve"],
    categorical_features=[FEATURES.index("postcode_area")],
    discretize_continuous=True,
    random_state=0,
)


def predict_proba_array(a):
    return model.predict_proba(pd.DataFrame(a, columns=FEATURES))


lime_exp = lime_explainer.explain_instance(
    applicant.to_numpy()[0], predict_proba_array, num_features=7, num_samples=3000
)
lime_weights = lime_exp.as_map()[1]  # (feature index, weight) for the class "approve"
lime_top = [FEATURES[i] for i, _ in sorted(lime_weights, key=lambda t: -abs(t[1]))[:3]]
shap_top = [FEATURES[i] for i in np.argsort(-np.abs(shap_te.values[case]))[:3]]
print("LIME (weight for 'approve'):")
for condition, weight in lime_exp.as_list(label=1):
    print(f"  {condition:<32} {weight:+.3f}")
print(f"LIME local fit R^2 {lime_exp.score:.2f}; top 3 LIME {lime_top}; top 3 SHAP {shap_top}")

# Recourse: the smallest reduction of the debt ratio, in steps of 0.01, that gets an approval.
ratios = np.round(np.arange(applicant.debt_ratio.iloc[0], -0.001, -0.01), 3)
tries = pd.concat([applicant] * len(ratios), ignore_index=True).assign(debt_ratio=ratios)
approved = np.flatnonzero(model.predict(tries) == 1)
recourse = ratios[approved[0]] if len(approved) else None
print(f"recourse: debt ratio {applicant.debt_ratio.iloc[0]:.2f} -> {recourse:.2f} gets an approval")

phi_postcode = shap_te.values[case, FEATURES.index("postcode_area")]
rank = 1 + int((np.abs(shap_te.values[case]) > abs(phi_postcode)).sum())
print(
    f"postcode_area: SHAP {phi_postcode:+.2f} (rank {rank} of {len(FEATURES)} by size); "
    f"log-odds {logit[case]:+.2f}, in area 0 {model.decision_function(applicant.assign(postcode_area=0.0))[0]:+.2f}"
)

# Claims: LIME and SHAP agree on at least two of the three most important features for this applicant;
# the postcode pushes towards refusal; LIME's surrogate fits loosely; a recourse exists.
assert len(set(lime_top) & set(shap_top)) >= 2
assert phi_postcode < -0.3
assert lime_exp.score < 0.8
assert recourse is not None and recourse < applicant.debt_ratio.iloc[0]

# %% [markdown]
# Read the three together.
#
# - **SHAP and LIME agree on the main reasons** here, which is worth checking and not guaranteed: LIME
#   explains a linear surrogate of binned features around the applicant, SHAP the model's exact
#   log-odds against an average. LIME's low $R^2$ says its surrogate captures only part of the model's
#   behaviour near this applicant, so its weights are a rough sketch.
# - **SHAP and the counterfactual measure different things.** The postcode's SHAP value compares this
#   applicant's area with the *average* applicant (a mix of all four areas); the counterfactual compares
#   area 3 with area 0, the area the model favours most, so its effect on the log-odds (printed above) is
#   larger than the SHAP value. Neither is wrong; they answer different questions, and a dashboard
#   should say which one it shows.
# - **The counterfactual is the sharpest evidence**: this applicant would be approved with the same
#   finances in another postcode area, and so would many other refused group-B applicants (the count
#   above), whose fair decision was mostly "approve". That is the individual harm the generated
#   penalty encodes, found without looking at the group.
#
# The recourse is a statement about the *model*, not advice: lowering the debt ratio by that much
# flips this model's decision, and nothing more.

# %% [markdown]
# ## 6. Fairness checks across groups
#
# The audit compares, per group, the quantities that the common fairness criteria constrain
# (Barocas, Hardt & Narayanan, 2023, ch. 3; Hardt, Price & Srebro, 2016):
#
# | criterion | asks for equal ... across groups | metric here |
# |---|---|---|
# | demographic parity | selection (approval) rate $P(\hat Y = 1 \mid G)$ | difference and ratio of selection rates |
# | equal opportunity | true positive rate $P(\hat Y = 1 \mid Y = 1, G)$ | TPR difference |
# | equalized odds | TPR and false positive rate | the larger of the two differences |
#
# The ratio of selection rates is the one behind the **four-fifths rule** of the US Uniform Guidelines
# on Employee Selection Procedures (1978): a group's selection rate below 80% of the highest group's is
# generally regarded as evidence of adverse impact. Fairlearn's `MetricFrame` computes any
# metric per group; the cell checks its numbers against a plain pandas `groupby`, and computes the
# error rates twice: against the historical decisions, the only labels a bank has, and against the
# fair decisions, which only this generated data set has.

# %%
METRICS = {
    "accuracy": accuracy_score,
    "selection rate": selection_rate,
    "TPR": true_positive_rate,
    "FPR": false_positive_rate,
}
audit_hist = MetricFrame(
    metrics=METRICS, y_true=y_hist[te], y_pred=pred, sensitive_features=pd.Series(g_te, name="group")
)
audit_fair = MetricFrame(
    metrics=METRICS, y_true=y_fair[te], y_pred=pred, sensitive_features=pd.Series(g_te, name="group")
)
print("against the historical decisions:\n", audit_hist.by_group.round(3).to_string(), sep="")
print("against the fair decisions:\n", audit_fair.by_group.round(3).to_string(), sep="")

by_hand = pd.DataFrame({"pred": pred, "y": y_hist[te], "g": g_te}).groupby("g")
assert np.allclose(audit_hist.by_group["selection rate"], by_hand.pred.mean(), atol=0, rtol=0)
assert np.allclose(audit_hist.by_group["TPR"], by_hand.apply(lambda t: t.pred[t.y == 1].mean()), atol=1e-15)
dp_diff = demographic_parity_difference(y_hist[te], pred, sensitive_features=g_te)
dp_ratio = demographic_parity_ratio(y_hist[te], pred, sensitive_features=g_te)
eo_diff = equalized_odds_difference(y_hist[te], pred, sensitive_features=g_te)
sel = by_hand.pred.mean()
assert math.isclose(dp_diff, sel.max() - sel.min(), abs_tol=1e-15) and math.isclose(dp_ratio, sel.min() / sel.max())
assert math.isclose(eo_diff, max(audit_hist.difference()["TPR"], audit_hist.difference()["FPR"]))
print(
    f"demographic parity difference {dp_diff:.3f}, ratio {dp_ratio:.2f} (four-fifths rule: >= 0.8); "
    f"equalized odds difference (vs historical) {eo_diff:.3f}"
)
tpr_hist, tpr_fair = audit_hist.by_group["TPR"], audit_fair.by_group["TPR"]
print(
    f"TPR of B minus TPR of A: {tpr_hist['B'] - tpr_hist['A']:+.3f} against the historical decisions, "
    f"{tpr_fair['B'] - tpr_fair['A']:+.3f} against the fair ones"
)
# Claim: equal opportunity fails in opposite directions depending on the labels it is measured against.
assert tpr_hist["B"] > tpr_hist["A"] + 0.05 and tpr_fair["B"] < tpr_fair["A"] - 0.05

# %% [markdown]
# The two audits disagree, and the direction of the disagreement is the lesson. Against the historical
# decisions, group B's true positive rate is *higher* than group A's: the only group-B applicants with a
# positive historical label are those strong enough to clear the officers' penalty, and the model
# approves almost all of them. An auditor with only these labels would conclude that equal opportunity
# is violated *in favour of* group B. Against the fair decisions, the truth the bank never sees,
# qualified group-B applicants are approved *less* often than qualified group-A applicants. **An audit
# against biased labels inherits the bias**, and can even reverse it; demographic parity, which needs
# no labels, points the right way here. (Which criterion is right is a normative choice, not a
# statistical one, and the criteria cannot in general all hold at once when base rates differ:
# Kleinberg, Mullainathan & Raghavan, 2017; Chouldechova, 2017. Here the fair base rates are equal by
# construction, which is why demographic parity is a sensible target.)
#
# **Fairness through unawareness.** The model never saw the group, and it still discriminates, through
# the postcode. The cell below trains the same model with the group as a feature and without the
# postcode, and compares the demographic parity difference, with a 95% bootstrap interval over test
# applicants.

# %%
B_BOOT = 1000
boot = np.random.default_rng(1).integers(0, len(te), size=(B_BOOT, len(te)))  # test rows, resampled
b_mask = (g_te == "B")[boot]


def dp_gap_boot(p):
    """Selection rate of A minus that of B, on every bootstrap resample of the test set."""
    s = p[boot]
    return (s * ~b_mask).sum(1) / (~b_mask).sum(1) - (s * b_mask).sum(1) / b_mask.sum(1)


def interval(samples):
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return f"[{lo:+.3f}, {hi:+.3f}]"


variants = {
    "aware (group as a feature)": X.assign(group_b=is_b.astype(float)),
    "unaware (the model above)": X,
    "unaware, postcode removed": X.drop(columns="postcode_area"),
}
variant_rows = []
for name, data in variants.items():
    m = model if data is X else GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0)
    if data is not X:
        m.fit(data.iloc[tr], y_hist[tr])
    p = m.predict(data.iloc[te])
    gaps = dp_gap_boot(p)
    variant_rows.append((name, accuracy_score(y_hist[te], p), accuracy_score(y_fair[te], p), gaps.mean(), gaps))
    print(
        f"{name:<28} accuracy hist {variant_rows[-1][1]:.3f}  fair {variant_rows[-1][2]:.3f}  "
        f"DP gap {gaps.mean():+.3f} {interval(gaps)}"
    )

aware_gap, unaware_gap, removed_gap = (np.percentile(r[4], [2.5, 97.5]) for r in variant_rows)
assert unaware_gap[0] > 0.03  # unawareness leaves a gap whose interval excludes 0
assert aware_gap[0] > unaware_gap[1]  # the aware model is more unequal still
assert removed_gap[0] < 0 < removed_gap[1]  # without the proxy: no detectable gap, in this data set

# %% [markdown]
# Removing the postcode closes the gap *here* because the data were built with one proxy and nothing
# else correlated with the group. Real data rarely oblige: group membership leaks through many features
# at once (income, occupation, names, shopping patterns), each weakly, and removing them all removes
# much of the signal too. That is why the generic mitigations below act on the model's decisions or its
# training objective instead of on a list of suspect features.

# %% [markdown]
# ## 7. Mitigation: threshold optimization, and what it costs
#
# Fairlearn's `ThresholdOptimizer` (post-processing, Hardt, Price & Srebro, 2016) keeps the trained
# model and chooses a decision threshold on its probability **per group**, randomizing between two
# thresholds where needed, to maximize accuracy subject to a fairness constraint, here demographic
# parity. It is fitted on the validation set, not on the training set, whose probabilities the trees
# have partly memorized.
#
# Two things to be clear about. It needs the group **at prediction time**, which some jurisdictions and
# sectors forbid for individual decisions (explicitly using a protected attribute is disparate
# treatment in US law, for example); in-processing methods such as Fairlearn's `ExponentiatedGradient`
# (Agarwal et al., 2018) need it only for training. And its predictions are randomized for some
# applicants: pass `random_state` to make them reproducible.
#
# The cost is measured as a paired bootstrap: on each resample of the test applicants, the mitigated
# model's accuracy minus the original's.

# %%
mitigator = ThresholdOptimizer(
    estimator=model,
    constraints="demographic_parity",
    objective="accuracy_score",
    prefit=True,
    predict_method="predict_proba",
)
mitigator.fit(X.iloc[va], y_hist[va], sensitive_features=group[va])
pred_fair = mitigator.predict(X_te, sensitive_features=g_te, random_state=0)

audit_mitigated = MetricFrame(
    metrics=METRICS, y_true=y_fair[te], y_pred=pred_fair, sensitive_features=pd.Series(g_te, name="group")
)
correct = {
    "hist": (pred[boot] == y_hist[te][boot]).mean(1),
    "hist_mit": (pred_fair[boot] == y_hist[te][boot]).mean(1),
    "fair": (pred[boot] == y_fair[te][boot]).mean(1),
    "fair_mit": (pred_fair[boot] == y_fair[te][boot]).mean(1),
}
cost_hist, gain_fair = correct["hist_mit"] - correct["hist"], correct["fair_mit"] - correct["fair"]
gap_before, gap_after = dp_gap_boot(pred), dp_gap_boot(pred_fair)
mitigation = {
    "accuracy_hist": (accuracy_score(y_hist[te], pred), accuracy_score(y_hist[te], pred_fair)),
    "accuracy_fair": (accuracy_score(y_fair[te], pred), accuracy_score(y_fair[te], pred_fair)),
    "dp_gap": (gap_before.mean(), gap_after.mean()),
    "dp_ratio": (dp_ratio, demographic_parity_ratio(y_hist[te], pred_fair, sensitive_features=g_te)),
    "tpr_gap_fair": (audit_fair.difference()["TPR"], audit_mitigated.difference()["TPR"]),
}
print(f"{'':<34}{'before':>8}{'after':>8}")
for key, (before, after) in mitigation.items():
    print(f"{key:<34}{before:>8.3f}{after:>8.3f}")
print(f"accuracy change vs historical decisions: {cost_hist.mean():+.3f} {interval(cost_hist)}")
print(f"accuracy change vs fair decisions:       {gain_fair.mean():+.3f} {interval(gain_fair)}")
print(
    f"demographic parity gap:                  {gap_before.mean():+.3f} -> {gap_after.mean():+.3f} {interval(gap_after)}"
)

# Claims, each with its 95% interval: the gap closes (no detectable gap after); the accuracy measured on
# the historical labels falls; measured on the fair decisions, the change is not distinguishable from zero
# and is smaller than the cost measured on the historical labels; the TPR gap against the fair decisions closes.
assert np.percentile(gap_after, 2.5) < 0 < np.percentile(gap_after, 97.5)
assert np.percentile(gap_before - gap_after, 2.5) > 0
assert np.percentile(cost_hist, 97.5) < 0
assert np.percentile(gain_fair, 2.5) < 0 < np.percentile(gain_fair, 97.5)
assert np.percentile(gain_fair - cost_hist, 2.5) > 0
assert mitigation["dp_ratio"][1] > 0.8 and mitigation["tpr_gap_fair"][1] < 0.05

# %% [markdown]
# The accuracy cost is real and it is what a bank would measure: against its historical decisions the
# mitigated model is less accurate, because those decisions contained the penalty it no longer applies.
# Against the fair decisions, which nobody observes outside a simulation, the change in accuracy is
# too small to distinguish from zero, and qualified applicants of both groups are now approved at
# nearly the same rate: most of the measured "cost" was the price of no longer reproducing the bias.
# That fairness and accuracy need not trade off when the labels are biased is a known argument (Wick,
# Panda & Tristan, 2019), and this data set shows it, but it rests on an assumption a real audit cannot
# verify: that the label bias is what made the groups' rates differ. If the groups' true rates
# differed, forcing equal selection rates would cost real accuracy and could harm the group it meant
# to help (by approving loans that default; Liu et al., 2018).

# %% [markdown]
# ## 8. A dashboard
#
# The project asks for an interpretability dashboard. Its core is a function that returns, for one
# applicant, everything the dashboard shows; the interactive shell around it (Gradio, Streamlit,
# Dash) is a few lines on your machine (see the end). Below: the function, tested on the applicant of
# section 5, and the one-figure dashboard for the whole model.


# %%
def explain(row: pd.DataFrame, group_of_row: str) -> dict:
    """Decision, probability, the three strongest SHAP reasons and the mitigated decision for one applicant."""
    values = explainer(row).values[0]
    order = np.argsort(-np.abs(values))[:3]
    return {
        "approval_probability": float(model.predict_proba(row)[0, 1]),
        "decision": "approve" if model.predict(row)[0] == 1 else "refuse",
        "reasons": [(FEATURES[i], float(row.iloc[0, i]), float(values[i])) for i in order],
        "decision_after_mitigation": "approve"
        if mitigator.predict(row, sensitive_features=[group_of_row], random_state=0)[0] == 1
        else "refuse",
    }


report = explain(applicant, "B")
print({k: v for k, v in report.items() if k != "reasons"})
for name, value, contribution in report["reasons"]:
    print(f"  {name:<18} = {value:7.2f}  SHAP {contribution:+.2f}")
assert report["decision"] == "refuse" and [r[0] for r in report["reasons"]] == shap_top

# %%
fig, axes = plt.subplots(2, 2, figsize=(12, 8))
imp = importance.sort_values("mean |SHAP|")
axes[0, 0].barh(imp.index, imp["mean |SHAP|"], color="tab:blue")
axes[0, 0].set(title="global: mean |SHAP| (log-odds)", xlabel="mean |SHAP|")
ax2 = axes[0, 0].twiny()
ax2.errorbar(imp["permutation (accuracy drop)"], imp.index, xerr=imp["± std"], fmt="o", color="tab:orange")
ax2.set_xlabel("permutation importance (accuracy drop)", color="tab:orange")

for k, (_, _, _, _, gaps) in enumerate(variant_rows):
    axes[0, 1].errorbar(
        gaps.mean(),
        k,
        xerr=[[gaps.mean() - np.percentile(gaps, 2.5)], [np.percentile(gaps, 97.5) - gaps.mean()]],
        fmt="o",
        color="tab:red",
    )
axes[0, 1].errorbar(
    gap_after.mean(),
    3,
    xerr=[[gap_after.mean() - np.percentile(gap_after, 2.5)], [np.percentile(gap_after, 97.5) - gap_after.mean()]],
    fmt="o",
    color="tab:green",
)
axes[0, 1].axvline(0, color="grey", ls=":")
axes[0, 1].set(
    yticks=range(4),
    yticklabels=[r[0] for r in variant_rows] + ["threshold-optimized"],
    title="fairness: approval rate A − B (95% bootstrap)",
    xlabel="demographic parity gap",
)

table = pd.DataFrame(
    {
        "fair decision": pd.Series(y_fair[te]).groupby(g_te).mean(),
        "model": pd.Series(pred).groupby(g_te).mean(),
        "mitigated": pd.Series(pred_fair).groupby(g_te).mean(),
    }
)
table.T.plot.bar(ax=axes[1, 0], rot=0, color=["tab:blue", "tab:orange"])
axes[1, 0].set(title="approval rate by group", ylabel="approval rate")

reasons = pd.Series(shap_te.values[case], index=FEATURES).sort_values()
axes[1, 1].barh(reasons.index, reasons.values, color=np.where(reasons.values < 0, "tab:red", "tab:green"))
axes[1, 1].set(title=f"local: the applicant of section 5 (p = {p_case:.2f})", xlabel="SHAP (log-odds)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 9. The model card
#
# A model card (Mitchell et al., 2019) is a short document that ships with a model: what it is for and
# not for, how it was evaluated, **its performance broken down by group**, and its ethical
# considerations and caveats. Written by hand it drifts from the model; generated from the measured
# numbers, as below, it is redone with every retraining. The card is written to `model_card.md` in a
# fresh temporary folder (its path is printed); point `REPORTS` at your project's folder instead.


# %%
def pct(x):
    return f"{100 * x:.1f}%"


group_rows = "\n".join(
    f"| {g} | {int((g_te == g).sum())} | {pct(audit_hist.by_group.loc[g, 'accuracy'])} | "
    f"{pct(audit_hist.by_group.loc[g, 'selection rate'])} | {pct(audit_fair.by_group.loc[g, 'TPR'])} | "
    f"{pct(audit_mitigated.by_group.loc[g, 'selection rate'])} | {pct(audit_mitigated.by_group.loc[g, 'TPR'])} |"
    for g in ("A", "B")
)
importance_rows = "\n".join(
    f"| `{f}` | {r['mean |SHAP|']:.3f} | {r['permutation (accuracy drop)']:.3f} ± {r['± std']:.3f} |"
    for f, r in importance.iterrows()
)
card = f"""# Model card: loan approval model (gradient-boosted trees), Week 18 notebook

## Model details
- Gradient-boosted decision trees (scikit-learn {sklearn.__version__} `GradientBoostingClassifier`, 150 trees of depth 3),
  trained on {len(tr)} historical loan decisions; post-processed with Fairlearn {fairlearn.__version__}
  `ThresholdOptimizer` (demographic parity), fitted on {len(va)} validation applications.
- Inputs: {", ".join(f"`{f}`" for f in FEATURES)}. The protected group is not an input of the trees;
  the post-processing step uses it.

## Intended use
- A teaching model on generated data: a worked example of explaining, auditing and documenting a model.
- **Not** for decisions about real people: the data, the groups and the bias are simulated.

## Factors
- Protected group (A, B). Postcode area is a proxy for the group (share of group B by area:
  {", ".join(f"{k}: {v:.2f}" for k, v in pd.Series(is_b).groupby(postcode).mean().items())}).

## Metrics
- Accuracy and AUC against held-out historical decisions; selection rate, true positive rate per group;
  demographic parity difference and ratio; 95% bootstrap intervals over {len(te)} test applications.

## Evaluation results
- Accuracy against historical decisions: {pct(mitigation["accuracy_hist"][0])} (AUC {auc:.3f}); after mitigation
  {pct(mitigation["accuracy_hist"][1])} (change {cost_hist.mean():+.3f}, 95% interval {interval(cost_hist)}).
- Accuracy against the fair decisions (known only because the data are simulated): {pct(mitigation["accuracy_fair"][0])};
  after mitigation {pct(mitigation["accuracy_fair"][1])} (change {gain_fair.mean():+.3f}, {interval(gain_fair)}).
- Demographic parity gap (approval rate A - B): {gap_before.mean():+.3f} {interval(gap_before)} before,
  {gap_after.mean():+.3f} {interval(gap_after)} after; selection-rate ratio {dp_ratio:.2f} before,
  {mitigation["dp_ratio"][1]:.2f} after (four-fifths rule: 0.80).

| group | test applications | accuracy (historical) | approval rate | TPR (fair decisions) | approval rate, mitigated | TPR, mitigated |
|---|---|---|---|---|---|---|
{group_rows}

## Explanations
| feature | mean abs. SHAP (log-odds) | permutation importance (accuracy drop) |
|---|---|---|
{importance_rows}

- `postcode_area` has no causal effect on creditworthiness in the data-generating process, yet its mean SHAP
  value is {postcode_shap["A"]:+.3f} for group A and {postcode_shap["B"]:+.3f} for group B: the model uses it as a
  proxy for the group. Moving refused group-B applicants to area 0 alone approves {len(flips)} of {len(refused_b)}.

## Ethical considerations
- The training labels encode a historical penalty against group B; a model trained on them reproduces it
  without seeing the group (fairness through unawareness fails).
- The mitigation uses the group at decision time, which may be unlawful for individual decisions in some
  jurisdictions; its decisions are randomized for some applicants.

## Caveats and recommendations
- Demographic parity is the right target here only because the simulated fair approval rates are equal across
  groups; on real data, choose the criterion with the affected people and the applicable law.
- Re-run the audit after every retraining and on every new population; this card is regenerated by the notebook.
"""
REPORTS = Path(tempfile.mkdtemp(prefix="week18-"))  # in your project: a folder that ships with the model
card_path = REPORTS / "model_card.md"
card_path.write_text(card, encoding="utf-8")
print(f"written to {card_path}\n")
print(card)

# Claims: the card is on disk, has every section of Mitchell et al.'s template used here, and quotes the measured numbers.
text = card_path.read_text(encoding="utf-8")
for section in (
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation results",
    "Ethical considerations",
    "Caveats and recommendations",
):
    assert f"## {section}" in text
assert pct(mitigation["accuracy_hist"][0]) in text and f"{postcode_shap['B']:+.3f}" in text and "| B |" in text

# %% [markdown]
# ## 10. What the results say
#
# - **The model reproduced the historical bias without seeing the group**, through a proxy, and its
#   accuracy against the historical labels gave no sign of it (sections 2 and 6).
# - **Global explanations flagged the proxy**: a feature with no effect on creditworthiness had a
#   clearly nonzero permutation importance and SHAP values whose sign followed the hidden group, while
#   the pure-noise feature scored near zero by both measures (section 3). SHAP's values matched the Shapley
#   definition computed by brute force (section 4).
# - **Local explanations and counterfactuals** showed the harm to one applicant, who would have been
#   approved in another postcode area (section 5). LIME and SHAP agreed on the main reasons for that
#   applicant; on other applicants they need not.
# - **The audit's verdict depends on the labels**: against the biased labels, equal opportunity looked
#   violated in group B's favour; against the fair decisions, it was violated against group B
#   (section 6).
# - **Threshold optimization removed the measured demographic-parity gap** and the true-positive-rate
#   gap against the fair decisions, at an accuracy cost against the historical labels (a 95% interval
#   below zero) and no detectable cost against the fair ones (section 7).
#
# What a generated data set cannot show: how large real biases are, how many proxies real features
# hide, and whether an explanation would be understood, or trusted too much, by the people who use it.
# Explanations can also be manipulated: a model can be built to look innocent to LIME and SHAP while
# discriminating (Slack et al., 2020), so an explanation is evidence for an audit, not a certificate.

# %%
elapsed = time.process_time() - notebook_start
print(f"notebook CPU time after the imports: {elapsed:.0f} s")

# %% [markdown]
# ## On your machine: real data sets and an interactive dashboard
#
# Fairlearn ships loaders for the classic data sets, which download on first use (as of Fairlearn 0.15):
#
# ```python
# from fairlearn.datasets import fetch_acs_income, fetch_adult  # 1994 US census; its ACS replacement
#
# adult = fetch_adult(as_frame=True)  # 48,842 rows; target: income > 50K
# X, y = adult.data, (adult.target == ">50K").astype(int)
# sex = X.pop("sex")  # the sensitive feature, kept out of the model's inputs
# X = pd.get_dummies(X)  # one column per category, for GradientBoostingClassifier
# # ... then sections 2-9 with sensitive_features=sex; there is no "fair label" to compare with
# ```
#
# Ding et al. (2021) show how much the fairness conclusions drawn from Adult depend on its arbitrary
# 50K threshold and its age, and built the ACS income data (`fetch_acs_income`, also in Fairlearn) to
# replace it. Without a fair label, the audit can
# only compare groups on the observed labels: that is the normal situation, and the reason section 6's
# warning matters.
#
# An interactive dashboard around `explain` takes a few lines of Gradio (installed separately):
#
# ```python
# import gradio as gr
#
# def ui(income, debt_ratio, years_employed, late_payments, loan_amount, postcode_area, application_month, group):
#     row = pd.DataFrame([[income, debt_ratio, years_employed, late_payments, loan_amount, postcode_area,
#                          application_month]], columns=FEATURES)
#     r = explain(row, group)
#     return r["decision"], r["approval_probability"], pd.DataFrame(r["reasons"], columns=["feature", "value", "SHAP"])
#
# gr.Interface(ui, inputs=[gr.Number(label=f) for f in FEATURES] + [gr.Radio(["A", "B"])],
#              outputs=["text", "number", "dataframe"]).launch()
# ```
#
# Fairlearn itself dropped its dashboard widget for matplotlib plots (`audit_hist.by_group.plot.bar(subplots=True)`
# draws every metric per group); Microsoft's Responsible AI Toolbox (`raiwidgets`) offers a ready-made
# dashboard with error analysis, explanations and fairness views.
#
# ## What to try next
#
# - Give group B a different distribution of income: the fair base rates then differ, demographic
#   parity stops being a sensible target, and equal opportunity against the fair labels is the one to
#   check. Rerun sections 6-7 with `constraints="true_positive_rate_parity"`.
# - Replace threshold optimization by `ExponentiatedGradient(LogisticRegression(), DemographicParity())`,
#   which does not need the group at prediction time, and compare costs.
# - Add a second, weaker proxy, and check whether removing the postcode still closes the gap.
# - Correlate two legitimate features and watch permutation importance split, or hide, their effect.
