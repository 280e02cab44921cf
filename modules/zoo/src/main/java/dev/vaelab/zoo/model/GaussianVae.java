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
 * The VAE of Kingma &amp; Welling (2014) and, with a β schedule, the β-VAE of Higgins et al. (2017):
 * the encoder emits [N, 2L], split into mu and logvar; the decoder maps z to the head's parameters.
 */
public record GaussianVae(String type, int latentDim, Network encoder, Network decoder, ModelContext context,
                          boolean usesBetaSchedule) implements VaeModel {
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
        private final boolean beta;

        private Factory(Map<String, NetworkFactory> networks, boolean beta) {
            this.networks = new Registry<>(networks);
            this.beta = beta;
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            VaeParts parts = VaeParts.read(spec, networks, context);
            return new GaussianVae(beta ? BETA_VAE : VAE, parts.latentDim(), parts.encoder(), parts.decoder(), context, beta);
        }
    }

    /** The plain VAE: β = 1. */
    public static final class VaeFactory implements ModelFactory {
        private final Factory delegate;

        @Inject
        VaeFactory(Map<String, NetworkFactory> networks) {
            delegate = new Factory(networks, false);
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            return delegate.create(spec, context);
        }
    }

    /** The β-VAE: the KL term weighted by the β schedule. */
    public static final class BetaVaeFactory implements ModelFactory {
        private final Factory delegate;

        @Inject
        BetaVaeFactory(Map<String, NetworkFactory> networks) {
            delegate = new Factory(networks, true);
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            return delegate.create(spec, context);
        }
    }
}
