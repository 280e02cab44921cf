package dev.vaelab.zoo.model;

import dev.vaelab.core.registry.Registry;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.zoo.network.Network;
import dev.vaelab.zoo.network.NetworkFactory;
import dev.vaelab.zoo.network.NetworkRole;

/** What every VAE type reads from its YAML: {@code latent_dim} and the encoder and decoder networks. */
record VaeParts(int latentDim, Network encoder, Network decoder) {
    /** Reads {@code latent_dim: 20, encoder: {...}, decoder: {...}} (MLPs by default); no other key is allowed. */
    static VaeParts read(ComponentSpec spec, Registry<NetworkFactory> networks, ModelContext context) {
        var options = spec.options();
        int latent = options.positiveInt("latent_dim", 20);
        ComponentSpec enc = ComponentSpec.read(options, "encoder", "{type: mlp}");
        ComponentSpec dec = ComponentSpec.read(options, "decoder", "{type: mlp}");
        Network encoder = networks.resolve(enc).create(enc, NetworkRole.ENCODER, context.image());
        Network decoder = networks.resolve(dec).create(dec, NetworkRole.DECODER, context.image());
        options.finish();
        return new VaeParts(latent, encoder, decoder);
    }
}
