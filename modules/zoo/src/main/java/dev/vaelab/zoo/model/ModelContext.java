package dev.vaelab.zoo.model;

import dev.vaelab.zoo.network.ImageDims;

/**
 * What a model needs to know about its data and head: the image shape, the number of classes
 * (for conditional models; 0 without labels) and the decoder outputs per pixel.
 */
public record ModelContext(ImageDims image, int numClasses, int outputsPerPixel) {
    /** The flattened image size D. */
    public int imageSize() {
        return image.size();
    }
}
