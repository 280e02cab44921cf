"""Tests of the harness's side of the vaelab contract: reading a run's files and writing its configs.

Standard library only; no vaelab and no torch needed:  python3 bench/test_harness.py
"""

import json
import os
import tempfile
import types
import unittest

import convnets
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


class SlowEpochsTest(unittest.TestCase):
    def test_later_epochs_over_a_quarter_above_their_sides_median_are_named(self):
        runs = [{"impl": "vaelab", "epoch_seconds": [2.5, 1.2, 1.1]},   # a slow first epoch warms up: not named
                {"impl": "pytorch", "epoch_seconds": [2.0, 2.1, 2.0]},
                {"impl": "vaelab", "epoch_seconds": [1.2, 2.0, 1.1]},   # 2.0 > 1.25 x the median 1.2
                {"impl": "pytorch", "epoch_seconds": [2.0, 2.5, 2.6]}]  # 2.6 > 1.25 x 2.05, 2.5 is not
        row, found = harness.slow_epochs(runs)
        self.assertEqual(found, {"vaelab": [{"repeat": 1, "epoch": 2, "seconds": 2.0}],
                                 "pytorch": [{"repeat": 1, "epoch": 3, "seconds": 2.6}]})
        self.assertIn("vaelab repeat 1 epoch 2 (2.00 s), pytorch repeat 1 epoch 3 (2.60 s)", row)

    def test_a_run_without_them_says_none_and_failed_runs_are_skipped(self):
        runs = [{"impl": "vaelab", "epoch_seconds": [1.3, 1.2, 1.25]}, {"impl": "vaelab", "rc": 1},
                {"impl": "pytorch", "epoch_seconds": [2.0, 2.2, 2.1]}]
        row, found = harness.slow_epochs(runs)
        self.assertEqual(found, {"vaelab": [], "pytorch": []})
        self.assertTrue(row.endswith(": none"), row)

    def test_the_speed_summary_calls_a_run_quiet_only_when_steady_and_without_slow_epochs(self):
        def runner(second_epoch):
            runs = [{"impl": "vaelab", "epoch_seconds": [1.2, second_epoch, 1.2], "test_loss": 1.0, "peak_rss_mib": 1,
                     "floor_seconds_per_epoch": 1.0, "floor_after_seconds_per_epoch": 1.0,
                     "floor_sgemm_gflops_per_s": 180.0, "floor_after_sgemm_gflops_per_s": 178.0},
                    {"impl": "pytorch", "epoch_seconds": [2.0, 2.0, 2.0], "test_loss": 1.0, "peak_rss_mib": 1}]
            return types.SimpleNamespace(runs=runs, args=types.SimpleNamespace(epochs=3),
                                         side=lambda impl: [r for r in runs if r["impl"] == impl])
        floor = {"floor_seconds_per_epoch": 1.0, "epoch_gflop": 180.0, "workload_sgemm_gflops_per_s": 180.0}
        rows, summary = harness.speed_summary(runner(1.2), floor)
        self.assertTrue(summary["quiet"])
        self.assertIn("quiet run (every repeat steady, no slow epoch): yes", rows)
        rows, summary = harness.speed_summary(runner(2.0), floor)
        self.assertFalse(summary["quiet"])
        self.assertIn("quiet run (every repeat steady, no slow epoch): no", rows)


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


class ConvModeTest(unittest.TestCase):
    def test_flop_counts_match_the_hand_counts_of_both_nets(self):
        # mnist-conv forward, multiply-adds per image, layer by layer: conv 1->32 at 14x14 (16 taps),
        # conv 32->64 at 7x7 (512 taps), 3136->256, 256->32, 16->256, 256->3136, deconv 64->32 at 7x7
        # (x 16 taps x 32), deconv 32->1 at 14x14
        mnist = 32 * 16 * 196 + 64 * 512 * 49 + 3136 * 256 + 256 * 32 + 16 * 256 + 256 * 3136 + 64 * 32 * 16 * 49 + 32 * 16 * 196
        self.assertEqual(convnets.forward_macs_per_image("mnist-conv"), mnist)
        self.assertEqual(mnist, 5_029_888)  # the 5.03 M
        # a training step: forward, input grad and weight grad of each, no input grad for the first conv
        step = 3 * 2 * mnist - 2 * 32 * 16 * 196
        self.assertEqual(sum(g["flops"] for g in convnets.step_gemms("mnist-conv", 1)), step)
        self.assertAlmostEqual(step * 429 * 128 / 1e12, 1.646, places=3)  # the 1.646 TFLOP per epoch
        burgess = (32 * 16 * 1024 + 32 * 512 * (256 + 64 + 16) + 512 * 256 + 256 * 256 + 256 * 20
                   + 10 * 256 + 256 * 256 + 256 * 512 + 32 * 512 * (16 + 64 + 256) + 32 * 16 * 1024)
        self.assertEqual(convnets.forward_macs_per_image("burgess"), burgess)
        step = 3 * 2 * burgess - 2 * 32 * 16 * 1024
        self.assertAlmostEqual(step * 737280 / 1e12, 54.3, places=1)  # the 54.3 TFLOP per dSprites pass

    def test_the_layers_mirror_back_to_the_image(self):
        layers = convnets.layers("burgess")
        self.assertEqual([(l.h_in, l.h_out) for l in layers if l.kind == "conv"], [(64, 32), (32, 16), (16, 8), (8, 4)])
        self.assertEqual([(l.c_in, l.c_out, l.h_in, l.h_out) for l in layers if l.kind == "deconv"][-1], (32, 1, 32, 64))
        self.assertEqual([l.name for l in layers if l.kind == "dense"],
                         ["enc fc0", "enc fc1", "enc out", "dec fc0", "dec fc1", "dec project"])

    def test_step_bench_command_and_its_json(self):
        argv = harness.step_bench_command("burgess", 2, 3, 10, seed=1, profile="/tmp/p")
        self.assertEqual(argv[argv.index("--shape") + 1], "1x64x64")
        self.assertIn("encoder: {type: conv, preset: burgess}", argv[argv.index("--model") + 1])
        self.assertEqual(argv[-2:], ["--profile", "/tmp/p"])
        stdout = 'text\n{"event": "step_bench", "seconds_per_1000_images": 0.5, "losses": [1.0]}\n'
        self.assertEqual(harness.step_bench_metrics(stdout)["seconds_per_1000_images"], 0.5)
        with self.assertRaises(ValueError):
            harness.step_bench_metrics("no json here")

    def test_layer_table_sums_the_passes_of_each_layer(self):
        gemms = [{"layer": "enc conv0", "pass": "forward", "batch": 128, "flops": 2e9, "seconds": 0.01},
                 {"layer": "enc conv0", "pass": "weight grad", "batch": 128, "flops": 1e9, "seconds": 0.02},
                 {"layer": "dec fc0", "pass": "input grad", "batch": 128, "flops": 3e9, "seconds": 0.03},
                 {"layer": "dec fc0", "pass": "forward", "batch": 88, "flops": 7e9, "seconds": 1.0}]
        rows = harness.conv_layer_table(gemms)
        self.assertEqual(rows[1].split(), ["enc", "conv0", "2.0000", "0.0000", "1.0000", "100.0"])
        self.assertEqual(rows[2].split(), ["dec", "fc0", "0.0000", "3.0000", "0.0000", "100.0"])
        self.assertEqual(rows[3].split()[:3], ["step", "total", "6.0000"])

    def test_conv_summary_divides_by_the_floor_and_pairs_repeats(self):
        floor = {"floor_seconds_per_1000_images": 0.2, "epoch_gflop": 1646.0, "workload_sgemm_gflops_per_s": 150.0}
        records = [{"impl": "vaelab", "s_per_1000_images": 0.3, "peak_rss_mib": 400},
                   {"impl": "pytorch", "s_per_1000_images": 1.2, "peak_rss_mib": 300},
                   {"impl": "vaelab", "s_per_1000_images": 0.5, "peak_rss_mib": 410},
                   {"impl": "pytorch", "s_per_1000_images": 1.0, "peak_rss_mib": 300}]
        _, summary = harness.conv_summary("mnist-conv", convnets.NETS["mnist-conv"], floor, floor, records)
        self.assertAlmostEqual(summary["vaelab"]["times_floor"], 2.0)
        self.assertAlmostEqual(summary["vaelab"]["s_per_epoch"], 0.4 * 54.912)
        self.assertEqual(summary["vaelab"]["peak_rss_mib"], 410)
        self.assertEqual(summary["paired_ratios"], [4.0, 2.0])


    def test_each_repeat_is_divided_by_the_floor_measured_just_before_it(self):
        floor = {"floor_seconds_per_1000_images": 0.2, "epoch_gflop": 1646.0, "workload_sgemm_gflops_per_s": 150.0}
        records = [{"impl": "vaelab", "s_per_1000_images": 0.3, "peak_rss_mib": 400,
                    "floor_s_per_1000_images": 0.2, "floor_sgemm_gflops_per_s": 150.0},
                   {"impl": "pytorch", "s_per_1000_images": 1.2, "peak_rss_mib": 300},
                   {"impl": "vaelab", "s_per_1000_images": 0.5, "peak_rss_mib": 410,
                    "floor_s_per_1000_images": 0.4, "floor_sgemm_gflops_per_s": 75.0}]
        rows, summary = harness.conv_summary("mnist-conv", convnets.NETS["mnist-conv"], floor, floor, records)
        for got, want in zip(summary["vaelab"]["times_floor_per_repeat"], [1.5, 1.25], strict=True):
            self.assertAlmostEqual(got, want)
        self.assertEqual(summary["vaelab"]["floor_sgemm_gflops_per_s_per_repeat"], [150.0, 75.0])
        self.assertAlmostEqual(summary["vaelab"]["times_floor"], 2.0)  # the median against the first floor, as before
        self.assertIn("1.50 1.25 (median 1.38", "\n".join(rows))


    def test_a_repeat_is_steady_where_the_floor_after_it_is_within_ten_percent_of_before(self):
        row, steady = harness.steady_repeats(
            [0.3, 0.5, 0.42],
            [(0.2, 0.2), (0.2, 0.3), (0.2, 0.22)],
            [(150.0, 150.0), (150.0, 100.0), (150.0, 136.4)])  # 0%, -33% and -9.1%
        self.assertEqual([s["repeat"] for s in steady], [0, 2])
        self.assertAlmostEqual(steady[0]["times_floor"], 1.5)
        self.assertAlmostEqual(steady[1]["times_floor"], 2.0)  # against the mean of 0.2 and 0.22
        self.assertIn("2 of 3: vaelab x floor 1.50 2.00", row)
        self.assertIn("moved in repeat 1 (150.0->100.0 GFLOP/s)", row)
        _, none = harness.steady_repeats([0.3], [(0.2, 0.25)], [(150.0, 120.0)])
        self.assertEqual(none, [])

    def test_conv_summary_names_the_steady_repeats(self):
        floor = {"floor_seconds_per_1000_images": 0.2, "epoch_gflop": 1646.0, "workload_sgemm_gflops_per_s": 150.0}
        records = [{"impl": "vaelab", "s_per_1000_images": 0.3, "peak_rss_mib": 400,
                    "floor_s_per_1000_images": 0.2, "floor_sgemm_gflops_per_s": 150.0,
                    "floor_after_s_per_1000_images": 0.1, "floor_after_sgemm_gflops_per_s": 300.0},
                   {"impl": "vaelab", "s_per_1000_images": 0.5, "peak_rss_mib": 410,
                    "floor_s_per_1000_images": 0.4, "floor_sgemm_gflops_per_s": 75.0,
                    "floor_after_s_per_1000_images": 0.4, "floor_after_sgemm_gflops_per_s": 75.0}]
        rows, summary = harness.conv_summary("mnist-conv", convnets.NETS["mnist-conv"], floor, floor, records)
        self.assertEqual([(s["repeat"], s["times_floor"]) for s in summary["vaelab"]["steady"]], [(1, 1.25)])
        self.assertIn("steady repeats (the floor's rate after within 10% of before): 1 of 2", "\n".join(rows))


class SettleTest(unittest.TestCase):
    def test_waits_out_what_is_left_of_the_minute_after_a_build(self):
        self.assertEqual(harness.settle_seconds(1000.0, 1015.0, 60), 45.0)
        self.assertEqual(harness.settle_seconds(1000.0, 1060.0, 60), 0.0)
        self.assertEqual(harness.settle_seconds(1000.0, 5000.0, 60), 0.0)
        self.assertEqual(harness.settle_seconds(1000.0, 1010.0, 0), 0.0)


class LoadModeTest(unittest.TestCase):
    def test_slowdown_is_each_sides_median_over_its_median_alone(self):
        runs = [{"impl": "vaelab", "spinning": 0, "busy": 0, "epoch_seconds": [1.0, 1.2, 1.1]},
                {"impl": "vaelab", "spinning": 1, "busy": 0, "epoch_seconds": [1.0]},
                {"impl": "vaelab", "spinning": "auto", "busy": 0, "epoch_seconds": [0.9]},
                {"impl": "vaelab", "spinning": "auto", "busy": 2, "epoch_seconds": [1.8]},
                {"impl": "pytorch", "busy": 0, "epoch_seconds": [2.0]},
                {"impl": "vaelab", "spinning": 0, "busy": 2, "epoch_seconds": [2.2]},
                {"impl": "vaelab", "spinning": 1, "busy": 2, "epoch_seconds": [3.0]},
                {"impl": "pytorch", "busy": 2, "epoch_seconds": [120.0]},
                {"impl": "vaelab", "rc": 1, "busy": 4},  # a failed run counts nowhere
                {"impl": "vaelab", "spinning": 0, "busy": 4, "epoch_seconds": [4.4]}]
        rows, summary = harness.load_summary(runs)
        self.assertAlmostEqual(summary["vaelab, spinning off"]["slowdown"][2], 2.0)
        self.assertAlmostEqual(summary["vaelab, spinning off"]["slowdown"][4], 4.0)
        self.assertAlmostEqual(summary["vaelab, spinning on"]["slowdown"][2], 3.0)
        self.assertAlmostEqual(summary["vaelab, spinning auto"]["slowdown"][2], 2.0)
        self.assertAlmostEqual(summary["pytorch"]["slowdown"][2], 60.0)
        self.assertEqual(summary["vaelab, spinning off"]["fair"], {2: True, 4: True})
        self.assertEqual(summary["vaelab, spinning on"]["fair"], {2: False})
        self.assertIn("vaelab, spinning on with 2 busy: 3.00x alone, target <= 2.5x: NOT MET", rows)

    def test_busy_processes_run_until_stopped(self):
        hogs = harness.busy_processes(2)
        self.assertEqual([p.poll() for p in hogs], [None, None])
        harness.stop(hogs)
        self.assertTrue(all(p.returncode is not None for p in hogs))


if __name__ == "__main__":
    unittest.main()
