"""Writes means.csv and factors.csv and prints the reference scores that ReferenceImplementationTest checks.

MIG and DCI as disentanglement_lib computes them (mig.py, dci.py, utils.py: numpy's histogram
discretization, scikit-learn's mutual_info_score and default GradientBoostingClassifier, scipy's
entropy), on the first 600 points for training and the last 300 for testing. Run with numpy 2.4.6,
scipy and scikit-learn 1.9.1:

mig 0.492264355992674
dci_d 0.5251734837515292, dci_c 0.5444869690592615, dci_i 0.7611111111111111
R (importance, [latent][factor]) and mi/h as printed below. The GradientBoostingClassifier has no
random_state, so its importances vary by about 0.002 from run to run (features are tried in a random
order and ties go to the first).
"""
import numpy as np, sklearn.metrics, scipy.stats
from sklearn import ensemble
rng = np.random.RandomState(0)
n, classes = 900, [3, 6, 8]
ys = np.stack([rng.randint(c, size=n) for c in classes])            # [F, N]
mus = np.stack([ys[0] / 2.0 + 0.3 * rng.randn(n), ys[1] + 0.5 * ys[2] + 0.5 * rng.randn(n),
                ys[2] * 0.7 + 0.2 * rng.randn(n), rng.randn(n)])   # [D, N]
mus = np.round(mus, 6)  # what the CSV holds exactly
np.savetxt("means.csv", mus.T, delimiter=",", fmt="%.6f")
np.savetxt("factors.csv", ys.T, delimiter=",", fmt="%d")
def hist(t, b=20):
    d = np.zeros_like(t)
    for i in range(t.shape[0]):
        d[i] = np.digitize(t[i], np.histogram(t[i], b)[1][:-1])
    return d
dm = hist(mus)
m = np.array([[sklearn.metrics.mutual_info_score(ys[j], dm[i]) for j in range(len(classes))] for i in range(mus.shape[0])])
h = np.array([sklearn.metrics.mutual_info_score(ys[j], ys[j]) for j in range(len(classes))])
s = np.sort(m, axis=0)[::-1]
print("mig", np.mean((s[0] - s[1]) / h))
ntr = 600
R = np.zeros([mus.shape[0], len(classes)]); acc = []
for i in range(len(classes)):
    model = ensemble.GradientBoostingClassifier()
    model.fit(mus[:, :ntr].T, ys[i, :ntr])
    R[:, i] = np.abs(model.feature_importances_)
    acc.append(np.mean(model.predict(mus[:, ntr:].T) == ys[i, ntr:]))
print("R", R.tolist())
print("mi", m.tolist()); print("h", h.tolist())
per_code = 1. - scipy.stats.entropy(R.T + 1e-11, base=R.shape[1])
print("dci_d", np.sum(per_code * R.sum(axis=1) / R.sum()))
per_f = 1. - scipy.stats.entropy(R + 1e-11, base=R.shape[0])
print("dci_c", np.sum(per_f * R.sum(axis=0) / R.sum()))
print("dci_i", np.mean(acc))
