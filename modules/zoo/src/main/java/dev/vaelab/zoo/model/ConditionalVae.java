package dev.vaelab.zoo.model;

import dev.vaelab.core.config.ConfigException;
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
 * The conditional VAE of Sohn et al. (2015): the one-hot label y is an input of both networks,
 * q(z|x, y) and p(x|z, y), so the latent code is free to hold what the label does not (style),
 * and sampling takes the label to draw.
 */
public record ConditionalVae(int latentDim, Network encoder, Network decoder, ModelContext context)
        implements VaeModel {
    public static final String TYPE = "cvae";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean conditional() {
        return true;
    }

    @Override
    public Posterior encode(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y) {
        Tensor out = encoder.apply(g, params, "encoder", x, Optional.of(label(y)), 2 * latentDim);
        return Posterior.split(g, out, latentDim);
    }

    @Override
    public Tensor decode(Graph g, ParameterSource params, Tensor z, Optional<Tensor> y) {
        return decoder.apply(g, params, "decoder", z, Optional.of(label(y)),
                context.imageSize() * context.outputsPerPixel());
    }

    private static Tensor label(Optional<Tensor> y) {
        return y.orElseThrow(() -> new IllegalArgumentException("a conditional VAE needs the label y"));
    }

    /** {@code {type: cvae, latent_dim: 20, encoder: {...}, decoder: {...}}}; the data must have labels. */
    public static final class Factory implements ModelFactory {
        private final Registry<NetworkFactory> networks;

        @Inject
        Factory(Map<String, NetworkFactory> networks) {
            this.networks = new Registry<>(networks);
        }

        @Override
        public VaeModel create(ComponentSpec spec, ModelContext context) {
            if (context.numClasses() < 2) {
                throw new ConfigException(spec.typeLocation(),
                        "model type 'cvae' conditions on labels, and this dataset has none");
            }
            VaeParts parts = VaeParts.read(spec, networks, context);
            return new ConditionalVae(parts.latentDim(), parts.encoder(), parts.decoder(), context);
        }
    }
}
