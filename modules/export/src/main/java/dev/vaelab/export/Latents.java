package dev.vaelab.export;

/**
 * Posterior parameters of {@code count} examples: {@code mu} and {@code logvar}, each
 * [count, latentDim] row-major.
 */
public record Latents(float[] mu, float[] logvar, int count, int latentDim) {
    public Latents {
        if (mu.length != count * latentDim || logvar.length != count * latentDim) {
            throw new IllegalArgumentException("mu and logvar must each hold " + count + " x " + latentDim + " values");
        }
    }
}
