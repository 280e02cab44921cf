package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaelab.onnx.SystemProperties;
import dev.vaelab.onnx.optim.Adam;
import dev.vaelab.onnx.optim.Sgd;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A training program that updates its parameters and Adam's moments in place (AdamStepInPlace, in
 * the buffers the session feeds) against the same program carrying them through the Loop: the same
 * losses, metrics and state, bit for bit, across calls, a short call and a restore; and the cases
 * where the state must stay carried (a parameter read where the update does not wait for it, an
 * optimizer without the update, an engine without the kernel), and a failed call.
 */
class InPlaceUpdatesTest {
    private static final int STEPS = TrainingSessionTest.STEPS;

    /** Least squares whose metric comes from the loss's own path, so every read of w and b precedes the update. */
    private static TrainingProgramBuilder.StepOutputs leastSquares(TrainingProgramBuilder.StepContext ctx) {
        return TrainingSessionTest.leastSquares(ctx, true);
    }

    @Test
    void adamInPlaceGivesTheCarriedProgramsNumbersBitForBit() {
        OrtEngine engine = new OrtEngine(2, true);
        assumeTrue(engine.updatesInPlace(), "vaelab's native kernels are not built on this platform");
        Adam adam = new Adam(0.9, 0.999, 1e-8, 0.01);
        TrainingProgram carriedProgram = TrainingProgramBuilder.build(InPlaceUpdatesTest::leastSquares, adam, false);
        TrainingProgram inPlaceProgram = TrainingProgramBuilder.build(InPlaceUpdatesTest::leastSquares, adam, true);
        assertFalse(carriedProgram.updatesInPlace());
        assertTrue(inPlaceProgram.updatesInPlace());
        TrainingSessionTest.Data data = new TrainingSessionTest.Data(STEPS, 11);
        try (TrainingSession carried = new TrainingSession(engine, carriedProgram, 5);
             TrainingSession inPlace = new TrainingSession(engine, inPlaceProgram, 5)) {
            carried.initialize(new SplittableRandom(5));
            inPlace.initialize(new SplittableRandom(5));
            Map<String, float[]> restorePoint = null;
            int[] calls = {5, 5, 3, 5, 5};
            int done = 0;
            for (int call = 0; call < calls.length; call++) {
                if (call == 3) {
                    // both go back to the state after the second call, as a resumed run does
                    carried.restore(restorePoint, 10);
                    inPlace.restore(restorePoint, 10);
                    done = 10;
                }
                float[] lr = new float[5];
                for (int i = 0; i < calls[call]; i++) {
                    lr[i] = 0.01f * (1 + (done + i) % 3);
                }
                data.fill(carried, done, calls[call]);
                data.fill(inPlace, done, calls[call]);
                Map<String, float[]> a = carried.run(calls[call], lr);
                Map<String, float[]> b = inPlace.run(calls[call], lr);
                assertArrayEquals(a.get("loss"), b.get("loss"), "losses of call " + call);
                assertArrayEquals(a.get("sum_err"), b.get("sum_err"), "metric of call " + call);
                assertStateEquals(carried.snapshot(), inPlace.snapshot(), "after call " + call);
                if (call == 1) {
                    restorePoint = inPlace.snapshot();
                }
                done += calls[call];
                assertEquals(carried.updates(), inPlace.updates());
            }
            // the parameter tensors handed to an evaluation hold the values the last call wrote
            Map<String, float[]> state = inPlace.snapshot();
            inPlace.parameters().forEach((name, tensor) ->
                    assertArrayEquals(state.get(name), TrainingSession.floats(tensor), name));
            assertTrue(state.get("w.m") != null && state.get("b.w") != null, "the moments are state: " + state.keySet());
        }
    }

    @Test
    void aParameterReadOutsideTheUpdatesAncestryKeepsTheStateCarried() {
        OrtEngine engine = new OrtEngine(1, true);
        TrainingProgram program = TrainingProgramBuilder.build(TrainingSessionTest::leastSquares, Adam.pytorchDefaults(), true);
        assertFalse(program.updatesInPlace(), "its metric sum_b reads b where the update need not wait for it");
        TrainingSessionTest.Data data = new TrainingSessionTest.Data(4, 3);
        try (TrainingSession session = new TrainingSession(engine, program, 1)) {
            session.initialize(new SplittableRandom(2));
            for (int s = 0; s < 4; s++) {
                float[] before = session.snapshot().get("b");
                data.fill(session, s, 1);
                float sumB = session.run(1, new float[] {0.1f}).get("sum_b")[0];
                // the metric is the bias the step used, not the one its update wrote
                assertEquals(before[0] + before[1], sumB, 1e-6f, "step " + s);
                assertTrue(session.snapshot().get("b")[0] != before[0], "the step updated b");
            }
        }
    }

    @Test
    void sgdAndEnginesWithoutTheKernelKeepTheStateCarried() {
        assertFalse(TrainingProgramBuilder.build(InPlaceUpdatesTest::leastSquares, new Sgd(0.9, 0.0), true).updatesInPlace());
        TrainingProgram inPlace = TrainingProgramBuilder.build(InPlaceUpdatesTest::leastSquares, Adam.pytorchDefaults(), true);
        SystemProperties.run(OrtEngine.IN_PLACE_UPDATES_PROPERTY, "0", () -> {
            OrtEngine off = new OrtEngine(1, true);
            assertFalse(off.updatesInPlace());
            assertFalse(TrainingProgramBuilder.build(InPlaceUpdatesTest::leastSquares, Adam.pytorchDefaults(),
                    off.updatesInPlace()).updatesInPlace());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingSession(off, inPlace, 4));
            assertTrue(e.getMessage().contains("-Dvaelab.ort.inPlaceUpdates=1"), e.getMessage());
        });
    }

    @Test
    void aFailedCallLeavesInPlaceStateUnreadUntilRestored() {
        OrtEngine engine = new OrtEngine(1, true);
        assumeTrue(engine.updatesInPlace(), "vaelab's native kernels are not built on this platform");
        TrainingProgram program = TrainingProgramBuilder.build(InPlaceUpdatesTest::leastSquares, Adam.pytorchDefaults(), true);
        TrainingSessionTest.Data data = new TrainingSessionTest.Data(8, 5);
        try (TrainingSession session = new TrainingSession(engine, program, 4)) {
            session.initialize(new SplittableRandom(4));
            data.fill(session, 0, 4);
            session.run(4, new float[] {0.1f, 0.1f, 0.1f, 0.1f});
            Map<String, float[]> good = session.snapshot();
            engine.terminate(); // as a stop does: this engine's calls end between two nodes from now on
            data.fill(session, 4, 4);
            assertThrows(IllegalStateException.class, () -> session.run(4, new float[] {0.1f, 0.1f, 0.1f, 0.1f}));
            IllegalStateException e = assertThrows(IllegalStateException.class, session::snapshot);
            assertTrue(e.getMessage().contains("restore a checkpoint"), e.getMessage());
            assertThrows(IllegalStateException.class, session::parameters);
            assertEquals(4, session.updates(), "the failed call's updates are not counted");
            session.restore(good, 4);
            assertStateEquals(good, session.snapshot(), "restored");
        }
    }

    private static void assertStateEquals(Map<String, float[]> expected, Map<String, float[]> actual, String when) {
        assertEquals(expected.keySet(), actual.keySet(), when);
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), name + " " + when));
    }
}
