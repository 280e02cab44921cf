package dev.vaelab.data.sprites;

/**
 * Draws one sprite of the {@link SpriteGrid} as a 64×64 binary image, white (255) on black: a pixel is
 * on when its centre lies inside the shape. dSprites-like, not pixel-identical: the shapes, the
 * sprite size and the margins are ours, the factor grid is dSprites'.
 *
 * <p>The sprite's half-size is {@code 10 px × scale} (a square of 20 px at scale 1) and its centre
 * moves over {@code [15, 49]} px with posX (columns) and posY (rows), so that the largest sprite,
 * rotated, stays inside the image. Orientation turns the shape counter-clockwise about its centre.
 * A pure function of the factor classes, so the set is the same on every machine.
 */
public final class SpriteRenderer {
    public static final int SIZE = 64;
    static final double HALF_SIZE = 10;
    static final double MIN_CENTRE = 15;
    static final double MAX_CENTRE = 49;

    private SpriteRenderer() {}

    /** Renders the sprite with factor classes {@code classes} (shape, scale, orientation, posX, posY) into {@code out} from {@code at}. */
    public static void render(int[] classes, byte[] out, int at) {
        int shape = classes[0];
        double scale = SpriteGrid.FACTORS.get(1).values().get(classes[1]);
        double angle = SpriteGrid.FACTORS.get(2).values().get(classes[2]);
        double cx = MIN_CENTRE + (MAX_CENTRE - MIN_CENTRE) * SpriteGrid.FACTORS.get(3).values().get(classes[3]);
        double cy = MIN_CENTRE + (MAX_CENTRE - MIN_CENTRE) * SpriteGrid.FACTORS.get(4).values().get(classes[4]);
        double r = HALF_SIZE * scale;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        // every shape lies within 1.5 r of its centre, so only that box is tested
        int x0 = Math.max(0, (int) Math.floor(cx - 1.5 * r));
        int x1 = Math.min(SIZE - 1, (int) Math.ceil(cx + 1.5 * r));
        int y0 = Math.max(0, (int) Math.floor(cy - 1.5 * r));
        int y1 = Math.min(SIZE - 1, (int) Math.ceil(cy + 1.5 * r));
        java.util.Arrays.fill(out, at, at + SIZE * SIZE, (byte) 0);
        for (int y = y0; y <= y1; y++) {
            double dy = (y + 0.5 - cy) / r;
            for (int x = x0; x <= x1; x++) {
                double dx = (x + 0.5 - cx) / r;
                // into the sprite's own frame: rotate by -angle; image rows grow downwards, so up is -dy
                double u = cos * dx - sin * dy;
                double v = -(sin * dx + cos * dy);
                if (inside(shape, u, v)) {
                    out[at + y * SIZE + x] = (byte) 255;
                }
            }
        }
    }

    /** Whether the point (u, v) of the sprite's frame, in half-sizes with v up, is inside shape {@code shape}. */
    static boolean inside(int shape, double u, double v) {
        return switch (shape) {
            case 0 -> Math.abs(u) <= 1 && Math.abs(v) <= 1;
            case 1 -> u * u + 4 * v * v <= 1.0; // an ellipse of semi-axes 1 and 1/2
            case 2 -> heart(1.15 * u, 1.15 * v + 0.15);
            default -> throw new IllegalArgumentException("no shape " + shape);
        };
    }

    /** The heart curve {@code (x² + y² - 1)³ - x² y³ <= 0}, about 2.3 wide and 2.2 tall, point down. */
    private static boolean heart(double x, double y) {
        double s = x * x + y * y - 1;
        return s * s * s - x * x * y * y * y <= 0;
    }
}
