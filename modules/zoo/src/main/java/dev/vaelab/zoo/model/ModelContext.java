package dev.vaelab.zoo.model;

/**
 * What a model needs to know about its data and head: the flattened image size D, the number of
 * classes (for conditional models; 0 without labels) and the decoder outputs per pixel.
 */
public record ModelContext(int imageSize, int numClasses, int outputsPerPixel) {
}
