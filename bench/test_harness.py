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


class PairedRatiosTest(unittest.TestCase):
    def test_each_vaelab_run_pairs_with_the_pytorch_run_after_it(self):
        runs = [{"impl": "vaelab", "epoch_seconds": [1.0, 2.0, 1.2], "test_loss": 1},
                {"impl": "pytorch", "epoch_seconds": [1.8, 1.8, 1.9], "test_loss": 1},
                {"impl": "vaelab", "epoch_seconds": [2.0], "test_loss": 1},
                {"impl": "pytorch", "epoch_seconds": [3.0], "test_loss": 1}]
        self.assertEqual(harness.paired_ratios(runs), [1.5, 1.5])

    def test_a_failed_vaelab_run_pairs_with_nothing(self):
        runs = [{"impl": "vaelab", "rc": 1},
                {"impl": "pytorch", "epoch_seconds": [1.8], "test_loss": 1},
                {"impl": "vaelab", "epoch_seconds": [1.0], "test_loss": 1},
                {"impl": "pytorch", "epoch_seconds": [2.0], "test_loss": 1}]
        self.assertEqual(harness.paired_ratios(runs), [2.0])


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


class SweepModeTest(unittest.TestCase):
    def test_finished_runs_are_counted_from_the_summary_csv(self):
        folder = tempfile.mkdtemp()
        with open(os.path.join(folder, "summary.csv"), "w") as f:
            f.write("rank,run,status,seed,test/elbo,seconds,error\n"
                    "1,b-1,finished,1,-99.5,3.2,\n"
                    "-,b-2,failed,2,,1.0,\"training diverged,\nat step 7\"\n"
                    "2,b-3,finished,3,-100.1,3.4,\n")
        self.assertEqual(harness.sweep_finished_runs(folder), 2)

    def test_speedup_is_serial_over_parallel_median_wall_time(self):
        records = [{"parallel": 1, "wall_s": 60.0}, {"parallel": 2, "wall_s": 40.0},
                   {"parallel": 1, "wall_s": 64.0}, {"parallel": 2, "wall_s": 38.0}]
        rows, summary = harness.sweep_summary(records)
        self.assertAlmostEqual(summary["speedup_parallel2_over_parallel1"], 62.0 / 39.0)
        self.assertTrue(summary["parallel_not_slower"])
        self.assertIn("--parallel 2 is 1.59x as fast as --parallel 1 (23.0 s saved, 37% less wall time)", rows[-1])
        rows, summary = harness.sweep_summary([{"parallel": 1, "wall_s": 30.0}, {"parallel": 2, "wall_s": 33.0}])
        self.assertFalse(summary["parallel_not_slower"])
        self.assertTrue(rows[-1].startswith("--parallel 2 is SLOWER"))

    def test_the_sweep_command_names_its_parallelism_and_a_fresh_results_root(self):
        argv = harness.vaelab_sweep_command("bench/sweep-bench.yaml", "/data", 2, "/tmp/r")
        self.assertEqual(argv[1:], ["sweep", "bench/sweep-bench.yaml", "--parallel", "2", "--data-dir", "/data",
                                    "--results", "/tmp/r"])


if __name__ == "__main__":
    unittest.main()
