"""Tests of the harness's side of the vaelab contract: reading a run's files and writing its configs.

Standard library only; no vaelab and no torch needed:  python3 bench/test_harness.py
"""

import json
import os
import tempfile
import types
import unittest

import harness


class VaelabMetricsTest(unittest.TestCase):
    def run_dir(self, metrics_rows, summary):
        folder = tempfile.mkdtemp()
        with open(os.path.join(folder, "metrics.csv"), "w") as f:
            f.write("\n".join(["key,value,step,timestamp"] + metrics_rows) + "\n")
        with open(os.path.join(folder, "summary.json"), "w") as f:
            json.dump(summary, f)
        return folder

    def test_epoch_seconds_in_order_and_test_elbo_negated(self):
        folder = self.run_dir(["train/epoch_seconds,1.5,429,0", "val/elbo,-120,429,0",
                               "train/epoch_seconds,1.25,858,0"], {"test/elbo": -105.5, "test/nll_iw": 101.0})
        self.assertEqual(harness.vaelab_metrics(folder), {"epoch_seconds": [1.5, 1.25], "test_loss": 105.5})

    def test_test_loss_preferred_over_elbo(self):
        folder = self.run_dir([], {"test/loss": 104.0, "test/elbo": -999.0})
        self.assertEqual(harness.vaelab_metrics(folder)["test_loss"], 104.0)


class ConfigTest(unittest.TestCase):
    def test_only_seed_epochs_and_validation_change(self):
        out_dir = tempfile.mkdtemp()
        runner = harness.Runner(types.SimpleNamespace(threads=2, validation=1000), out_dir)
        with open(runner.config_for(seed=7, epochs=3)) as f:
            derived = f.read().splitlines()
        with open(harness.BENCH_CONFIG) as f:
            original = f.read().splitlines()
        changed = [(a, b) for a, b in zip(original, derived) if a != b]
        self.assertEqual(len(original), len(derived))
        self.assertEqual(changed, [("seed: 0", "seed: 7"),
                                   ("data:       {dataset: mnist, binarize: none, validation: 5000}",
                                    "data:       {dataset: mnist, binarize: none, validation: 1000}"),
                                   ("  epochs: 10", "  epochs: 3")])


if __name__ == "__main__":
    unittest.main()
