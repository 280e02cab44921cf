package dev.vaelab.zoo.model;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.registry.Registry;
import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.zoo.network.Network;
import dev.vaelab.zoo.network.NetworkFactory;
import dev.vaelab.zoo.network.NetworkRole;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;

/**
 * The conditional VAE of Sohn et al. (2015): the one-hot label y is an input of both networks,
 * q(z|x, y) and p(x|z, y), so the latent code is free to hold what the label does not (style),
 * and sampling takes the label to draw. The KL term takes the β schedule like a β-VAE's.
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
    public boolean usesBetaSchedule() {
        return true;
    }

    @Override
    public Posterior encode(Graph g, ParameterSource params, Tensor x, Optional<Tensor> y) {
        Tensor out = encoder.apply(g, params, "encoder", x, Optional.of(label(y)), 2 * latentDim);
        return new Posterior(g.slice(out, 1, 0, latentDim), g.slice(out, 1, latentDim, 2L * latentDim));
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
            var options = spec.options();
            int latent = options.positiveInt("latent_dim", 20);
            ComponentSpec enc = ComponentSpec.read(options, "encoder", "{type: mlp}");
            ComponentSpec dec = ComponentSpec.read(options, "decoder", "{type: mlp}");
            Network encoder = networks.resolve(enc).create(enc, NetworkRole.ENCODER, context.image());
            Network decoder = networks.resolve(dec).create(dec, NetworkRole.DECODER, context.image());
            options.finish();
            return new ConditionalVae(latent, encoder, decoder, context);
        }
    }
}
