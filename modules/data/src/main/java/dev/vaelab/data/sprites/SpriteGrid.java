package dev.vaelab.data.sprites;

import dev.vaelab.data.Factor;
import java.util.List;

/**
 * The factor grid of dSprites (Matthey et al. 2017): 3 shapes × 6 scales × 40 orientations × 32 × 32
 * positions, 737,280 combinations, each once, in dSprites' order (the last factor, posY, varies
 * fastest). dSprites' sixth factor, colour, has a single value (white) and is left out, since a
 * one-class factor carries no information and would divide by a zero entropy in the metrics.
 */
public final class SpriteGrid {
    public static final int SHAPES = 3;
    public static final int SCALES = 6;
    public static final int ORIENTATIONS = 40;
    public static final int POSITIONS = 32;
    /** Every combination once: {@value}. */
    public static final int SIZE = SHAPES * SCALES * ORIENTATIONS * POSITIONS * POSITIONS;

    /** Shape values as dSprites' {@code latents_values} gives them: 1 square, 2 ellipse, 3 heart. */
    public static final List<Factor> FACTORS = List.of(
            new Factor("shape", List.of(1.0, 2.0, 3.0)),
            new Factor("scale", Factor.linspace(0.5, 1.0, SCALES, true)),
            new Factor("orientation", Factor.linspace(0, 2 * Math.PI, ORIENTATIONS, false)),
            new Factor("posX", Factor.linspace(0, 1, POSITIONS, true)),
            new Factor("posY", Factor.linspace(0, 1, POSITIONS, true)));

    private static final int[] CLASSES = {SHAPES, SCALES, ORIENTATIONS, POSITIONS, POSITIONS};

    private SpriteGrid() {}

    /** The factor classes of grid index {@code index}, into {@code out} (5 values). */
    public static void classes(int index, int[] out) {
        int rest = index;
        for (int f = CLASSES.length - 1; f >= 0; f--) {
            out[f] = rest % CLASSES[f];
            rest /= CLASSES[f];
        }
    }

    /** The grid index of the given factor classes. */
    public static int index(int shape, int scale, int orientation, int posX, int posY) {
        return (((shape * SCALES + scale) * ORIENTATIONS + orientation) * POSITIONS + posX) * POSITIONS + posY;
    }
}
