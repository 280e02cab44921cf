package dev.vaelab.onnx;

import java.util.function.Supplier;

/**
 * A system property set for the length of a block and restored after it, to what it was or to unset: the engine
 * switches ({@code -Dvaelab.ort.*}, {@code -Dvaelab.conv.weightGradient}) are read when an engine or a graph is made,
 * and a test that flips one must not leave it flipped for the tests after it in the same JVM.
 */
public final class SystemProperties {
    private SystemProperties() {
    }

    /** Runs {@code block} with {@code -Dproperty=value}. */
    public static void run(String property, String value, Runnable block) {
        call(property, value, () -> {
            block.run();
            return null;
        });
    }

    /** {@code block}'s result, computed with {@code -Dproperty=value}. */
    public static <T> T call(String property, String value, Supplier<T> block) {
        String before = System.getProperty(property);
        System.setProperty(property, value);
        try {
            return block.get();
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }
}
