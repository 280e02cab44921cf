package dev.vaelab.export;

import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.Map;
import java.util.Objects;

/**
 * What to export: the model's graphs (the same code that trained it), the trained parameter values
 * by name (extra entries, such as optimizer slots of a checkpoint, are ignored), and the card that
 * describes the files.
 */
public record ExportRequest(VaeGraphs graphs, Map<String, float[]> parameters, ModelCard card) {
    public ExportRequest {
        Objects.requireNonNull(graphs, "graphs");
        Objects.requireNonNull(card, "card");
        parameters = Map.copyOf(parameters);
        if (graphs.model().latentDim() != card.latentDim() || graphs.model().conditional() != card.conditional()) {
            throw new IllegalArgumentException("the card (latent " + card.latentDim() + ", conditional "
                    + card.conditional() + ") does not describe the model (latent " + graphs.model().latentDim()
                    + ", conditional " + graphs.model().conditional() + ")");
        }
    }
}
