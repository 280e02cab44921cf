package dev.vaelab.data.sprites;

import java.net.URI;

/**
 * The catalog entry of the official dSprites archive (Matthey et al. 2017), for {@code dataset:
 * dsprites}, whose provider reads it with the NumPy reader of {@code dev.vaelab.data.numpy}: the
 * same {@link SpriteGrid} of factors, as published.
 */
public final class DspritesArchive {
    public static final String FILE_NAME = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz";
    /** Where DeepMind publishes it: the dsprites-dataset repository on GitHub. */
    public static final URI URL = URI.create("https://github.com/deepmind/dsprites-dataset/raw/master/" + FILE_NAME);
    /**
     * DeepMind publishes no checksum. This MD5 is the one that independent loaders of the same URL pin
     * (among them disentanglement_lib-style and torchvision-style dataset classes), so a download
     * that matches it is the file everyone else trains on.
     */
    public static final String MD5 = "7da33b31b13a06f4b04a70402ce90c2e";
    /** Images in the archive's {@code imgs}, uint8 {0, 1} of 64×64. */
    public static final int IMAGES = SpriteGrid.SIZE;
    /**
     * Columns of {@code latents_classes} and {@code latents_values}: colour (one class), shape,
     * scale, orientation, posX, posY; the factors are columns 1 to 5, in {@link SpriteGrid#FACTORS}' order.
     */
    public static final int FIRST_FACTOR_COLUMN = 1;

    private DspritesArchive() {}
}
