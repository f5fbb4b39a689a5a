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
# # Week 1: linear regression from scratch
#
# This notebook is a worked version of the Week 1 checkpoint project: a linear regression model built
# with NumPy only, trained by gradient descent, with its cost curve, and checked against scikit-learn.
# Try the project on your own first, then compare notes.
#
# You will:
#
# 1. write the model, its cost and its gradient, and check the gradient numerically;
# 2. train it with batch gradient descent and watch the cost converge;
# 3. see why the learning rate has a hard upper limit, computed from an eigenvalue;
# 4. compare the result with the closed-form solution and with `sklearn.linear_model.LinearRegression`.
#
# The data is scikit-learn's bundled *diabetes* set (442 patients, 10 measurements each, and a
# measure of disease progression one year later), so the notebook runs offline in a few seconds.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(0)

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

# Standardize with the training set's statistics only: the test set stands for data you have not seen.
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std
print(f"train {X_train.shape}, test {X_test.shape}, target range {y.min():.0f} to {y.max():.0f}")

# %% [markdown]
# ## 1. Model, cost and gradient
#
# The model predicts $\hat y = Xw + b$. The cost is half the mean squared error,
#
# $$J(w, b) = \frac{1}{2n} \lVert Xw + b - y \rVert^2 ,$$
#
# and its gradient follows from the chain rule, with the residual $r = Xw + b - y$:
#
# $$\nabla_w J = \frac{1}{n} X^\top r, \qquad \frac{\partial J}{\partial b} = \frac{1}{n} \sum_i r_i .$$
#
# The factor $\frac12$ only makes the gradient tidier; it does not move the minimum.


# %%
def predict(X, w, b):
    return X @ w + b


def cost(X, y, w, b):
    r = predict(X, w, b) - y
    return 0.5 * np.mean(r**2)


def gradients(X, y, w, b):
    r = predict(X, w, b) - y
    return X.T @ r / len(y), r.mean()


# %% [markdown]
# Before trusting a hand-derived gradient, compare it with a numerical one. A central difference
# $\frac{J(w + \epsilon e_k) - J(w - \epsilon e_k)}{2\epsilon}$ has an error of order $\epsilon^2$, so the
# two should agree to many digits. This check catches most sign and transpose mistakes.


# %%
def numerical_gradient(X, y, w, b, eps=1e-6):
    grad_w = np.zeros_like(w)
    for k in range(len(w)):
        step = np.zeros_like(w)
        step[k] = eps
        grad_w[k] = (cost(X, y, w + step, b) - cost(X, y, w - step, b)) / (2 * eps)
    grad_b = (cost(X, y, w, b + eps) - cost(X, y, w, b - eps)) / (2 * eps)
    return grad_w, grad_b


w0, b0 = rng.normal(size=X_train.shape[1]), 1.0
analytic_w, analytic_b = gradients(X_train, y_train, w0, b0)
numeric_w, numeric_b = numerical_gradient(X_train, y_train, w0, b0)
rel_error = np.linalg.norm(analytic_w - numeric_w) / np.linalg.norm(analytic_w + numeric_w)
print(f"relative error of the gradient: {rel_error:.2e}")
assert rel_error < 1e-7 and abs(analytic_b - numeric_b) < 1e-4

# %% [markdown]
# ## 2. Gradient descent and the cost curve
#
# Batch gradient descent repeats $w \leftarrow w - \alpha \nabla_w J$ (and the same for $b$) with a
# learning rate $\alpha$. Record the cost at every step: the curve is the first thing to look at when
# training goes wrong.


# %%
def fit_gd(X, y, lr=0.1, n_steps=500):
    w, b = np.zeros(X.shape[1]), 0.0
    history = [cost(X, y, w, b)]
    for _ in range(n_steps):
        grad_w, grad_b = gradients(X, y, w, b)
        w, b = w - lr * grad_w, b - lr * grad_b
        history.append(cost(X, y, w, b))
    return w, b, np.array(history)


w_gd, b_gd, history = fit_gd(X_train, y_train, lr=0.4, n_steps=3000)
print(f"cost: start {history[0]:.1f}, after 100 steps {history[100]:.1f}, end {history[-1]:.2f}")
# Claim: with this learning rate the cost never goes up, and it has flattened out by the end.
assert np.all(np.diff(history) <= 1e-9), "the cost went up: the learning rate is too large"
assert history[-1] < 0.1 * history[0]

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(history)
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("cost J (log scale)")
ax.set_title("Gradient descent on the diabetes data")
plt.show()

# %% [markdown]
# The cost drops fast, then creeps: the fast part fits the directions in which the cost is steep,
# the slow tail the shallow ones. Which brings you to the learning rate.
#
# ## 3. How large can the learning rate be?
#
# The cost is a quadratic whose curvature (its Hessian, with the bias folded in as a column of ones)
# is $H = \frac1n \tilde X^\top \tilde X$. Gradient descent on a quadratic converges exactly when
# $\alpha < 2 / \lambda_{\max}(H)$, where $\lambda_{\max}$ is the largest eigenvalue: along that
# eigenvector each step multiplies the error by $1 - \alpha\lambda_{\max}$, which must stay inside
# $(-1, 1)$. The smallest eigenvalue sets how slow the tail is.

# %%
X_aug = np.hstack([X_train, np.ones((len(X_train), 1))])
eigenvalues = np.linalg.eigvalsh(X_aug.T @ X_aug / len(X_aug))
lr_max = 2 / eigenvalues.max()
print(f"eigenvalues of H: {eigenvalues.min():.3f} ... {eigenvalues.max():.3f}; largest stable lr: {lr_max:.3f}")

runs = {
    f"lr = {lr:.3f}": fit_gd(X_train, y_train, lr=lr, n_steps=60)[2]
    for lr in (0.01, 0.5 * lr_max, 0.95 * lr_max, 1.05 * lr_max)
}
fig, ax = plt.subplots(figsize=(6, 3.5))
for label, h in runs.items():
    ax.plot(h, label=label)
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("cost J (log scale)")
ax.legend()
plt.show()

final = {label: h[-1] for label, h in runs.items()}
print({k: f"{v:.3g}" for k, v in final.items()})
diverged = runs[f"lr = {1.05 * lr_max:.3f}"]
assert diverged[-1] > diverged[0], "just above 2 / lambda_max the cost should grow"
assert runs[f"lr = {0.95 * lr_max:.3f}"][-1] < runs[f"lr = {0.01:.3f}"][-1]

# %% [markdown]
# Just below the limit the cost zigzags but falls; just above it, it explodes. Too small a rate is safe
# but slow. Standardizing the features, as above, shrinks the spread of eigenvalues and lets one rate
# suit every direction: try the same experiment on the raw `X` to see the difference.
#
# ## 4. Check against the closed form and scikit-learn
#
# Least squares has a closed-form answer, the solution of the normal equations
# $\tilde X^\top \tilde X \theta = \tilde X^\top y$. Solve it with `np.linalg.lstsq` (more stable than
# inverting $\tilde X^\top \tilde X$), and fit scikit-learn's `LinearRegression`, which does the same.

# %%
theta, *_ = np.linalg.lstsq(X_aug, y_train, rcond=None)
w_exact, b_exact = theta[:-1], theta[-1]
sk = LinearRegression().fit(X_train, y_train)


def mse(pred, target):
    return np.mean((pred - target) ** 2)


rows = [
    ("gradient descent", w_gd, b_gd),
    ("normal equations", w_exact, b_exact),
    ("scikit-learn", sk.coef_, sk.intercept_),
]
print(f"{'method':<18} {'train MSE':>10} {'test MSE':>10} {'max |w - w_sklearn|':>20}")
for name, w, b in rows:
    print(
        f"{name:<18} {mse(predict(X_train, w, b), y_train):>10.2f} "
        f"{mse(predict(X_test, w, b), y_test):>10.2f} {np.abs(w - sk.coef_).max():>20.2e}"
    )

# Claim: gradient descent lands on the same model as the closed form and scikit-learn.
assert np.allclose(w_exact, sk.coef_, atol=1e-6)
assert np.allclose(w_gd, sk.coef_, atol=0.05) and abs(b_gd - sk.intercept_) < 1e-6
assert abs(mse(predict(X_test, w_gd, b_gd), y_test) - mse(sk.predict(X_test), y_test)) < 0.1

# %% [markdown]
# The three agree to a fraction of a unit of squared error. The coefficient gap that gradient descent
# leaves sits along the eigenvector with the smallest eigenvalue: some diabetes features are strongly
# correlated (total cholesterol, LDL and HDL), so the cost is nearly flat along combinations of them and
# the last digits converge slowly. Run fewer steps, or use `lr=0.1`, and watch that gap grow.
#
# ## What to try next
#
# - Replace batch gradient descent with mini-batch stochastic gradient descent (shuffle, batches of 32)
#   and compare the cost curves per epoch.
# - Add an L2 penalty $\frac{\lambda}{2}\lVert w \rVert^2$ (ridge regression): derive the new gradient,
#   check it numerically, and compare with `sklearn.linear_model.Ridge`.
# - Plot predictions against targets on the test set: where is the model worst?
