package dev.vaelab.zoo.network;

/** Whether a network reads images (an encoder) or writes them (a decoder). */
public enum NetworkRole {
    /** Input [N, C·H·W] (a flattened image), output the posterior's parameters. */
    ENCODER,
    /** Input [N, L] (a latent code), output [N, k·C·H·W]: k blocks of a flattened image, one per head parameter. */
    DECODER
}
