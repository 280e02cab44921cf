package dev.vaelab.zoo.model;

import dev.vaelab.core.registry.Registry;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.zoo.network.Network;
import dev.vaelab.zoo.network.NetworkFactory;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;

/**
 * The VAE of Kingma &amp; Welling (2014): the encoder emits [N, 2L], split into mu and logvar; the
 * decoder maps z to the head's parameters. What it is trained for is the experiment's objective;
 * the type {@code beta-vae} names the same architecture, for files that chose the β-VAE objective
 * (Higgins et al. 2017) by model type before objectives were a section of their own.
 */
public record GaussianVae(String type, int latentDim, Network encoder, Network decoder, ModelContext context)
        implements VaeModel {
    public static final String VAE = "vae";
    public static final String BETA_VAE = "beta-vae";

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public Posterior encode(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y) {
        Tensor out = encoder.apply(g, params, "encoder", x, Optional.empty(), 2 * latentDim);
        return Posterior.split(g, out, latentDim);
    }

    @Override
    public Tensor decode(Graph g, ParameterSource params, Tensor z, Optional<Tensor> y) {
        return decoder.apply(g, params, "decoder", z, Optional.empty(), context.imageSize() * context.outputsPerPixel());
    }

    /** {@code {type: vae | beta-vae, latent_dim: 20, encoder: {...}, decoder: {...}}}. */
    public static final class Factory implements ModelFactory {
        private final Registry<NetworkFactory> networks;
        private final String type;

        private Factory(Map<String, NetworkFactory> networks, String type) {
            this.networks = new Registry<>(networks);
            this.type = type;
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            VaeParts parts = VaeParts.read(spec, networks, context);
            return new GaussianVae(type, parts.latentDim(), parts.encoder(), parts.decoder(), context);
        }
    }

    /** {@code vae}. */
    public static final class VaeFactory implements ModelFactory {
        private final Factory delegate;

        @Inject
        VaeFactory(Map<String, NetworkFactory> networks) {
            delegate = new Factory(networks, VAE);
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            return delegate.create(spec, context);
        }
    }

    /** {@code beta-vae}: the same architecture; without an {@code objective:} section it implies the β-VAE objective. */
    public static final class BetaVaeFactory implements ModelFactory {
        private final Factory delegate;

        @Inject
        BetaVaeFactory(Map<String, NetworkFactory> networks) {
            delegate = new Factory(networks, BETA_VAE);
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            return delegate.create(spec, context);
        }
    }
}
