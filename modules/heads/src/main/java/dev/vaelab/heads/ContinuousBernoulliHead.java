package dev.vaelab.heads;

import dev.vaelab.core.spec.ComponentSpec;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.Tensor;
import java.util.LinkedHashMap;

/**
 * The continuous Bernoulli of Loaiza-Ganem &amp; Cunningham (2019), a proper density on [0, 1] for
 * grey-level pixels: {@code log p(x|λ) = x log λ + (1-x) log(1-λ) + log C(λ)} with
 * {@code C(λ) = 2 artanh(1-2λ)/(1-2λ)} (2 at λ = ½), parameterised by the decoder's logits l,
 * λ = sigmoid(l).
 *
 * <p>In logits everything simplifies: {@code 1-2λ = -tanh(l/2)} and {@code artanh(1-2λ) = -l/2}, so
 * {@code x log λ + (1-x) log(1-λ) = x·l - softplus(l)}, {@code C = l/tanh(l/2)} and the mean
 * {@code λ/(2λ-1) + 1/(2 artanh(1-2λ))} is {@code ½ + ½(coth(l/2) - 2/l)}. Both closed forms
 * divide 0 by 0 at l = 0 and lose digits near it, so inside the window |l| &lt; {@value #WINDOW}
 * (|λ - ½| &lt; 0.05) they are replaced by their Taylor series, chosen with {@code Where}; each
 * branch sees a harmless stand-in where it is not used, so neither its value nor its gradient can
 * be NaN. Outside the window, log C = log|l| - log tanh(|l|/2) is exact to the last digits and
 * tends to log|l| as λ approaches 0 or 1.
 */
public final class ContinuousBernoulliHead implements LikelihoodHead {
    public static final String TYPE = "continuous-bernoulli";
    /** The Taylor window in |l|: the series' first omitted terms are below 1e-15 inside it. */
    public static final double WINDOW = 0.2;
    /** The sampler's own window: its series has fewer terms. */
    static final double SAMPLER_WINDOW = 1e-2;
    private static final double LOG_TWO = Math.log(2);

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int outputsPerPixel() {
        return 1;
    }

    @Override
    public Tensor logLikelihood(Graph g, ParameterSource params, Tensor logits, Tensor x) {
        return g.add(BernoulliLogLikelihood.of(g, logits, x), g.reduceSum(logNormalizer(g, logits), false, 1));
    }

    /**
     * log C as a function of the logit: {@code log(l/tanh(l/2))}, even in l. Inside the window,
     * with v = (l/2)²: {@code log 2 + v/3 - 7v²/90 + 62v³/2835 - 127v⁴/18900 + 146v⁵/66825} (the
     * series of log(u coth u) in u = l/2; the next term, -1414477u¹²/1915538625, is below 1e-15
     * at the window's edge).
     */
    public static Tensor logNormalizer(Graph g, Tensor l) {
        Tensor inWindow = g.greater(g.scalar(WINDOW), g.abs(l));
        Tensor near = g.where(inWindow, l, g.scalar(0));
        Tensor v = g.mul(g.square(near), 0.25);
        Tensor series = g.add(g.mul(v, horner(g, v, 1.0 / 3, -7.0 / 90, 62.0 / 2835, -127.0 / 18900,
                146.0 / 66825)), LOG_TWO);
        Tensor far = g.where(inWindow, g.scalar(1), g.abs(l));
        Tensor direct = g.sub(g.log(far), g.log(g.tanh(g.mul(far, 0.5))));
        return g.where(inWindow, series, direct);
    }

    /**
     * E[x] = ½ + ½·L(l/2) with the Langevin function L(u) = coth u - 1/u; inside the window its
     * series {@code u/3 - u³/45 + 2u⁵/945 - u⁷/4725 + 2u⁹/93555}, outside the closed form, which
     * tends to 0 and 1 at the edges.
     */
    public static Tensor mean(Graph g, Tensor l) {
        Tensor u = g.mul(l, 0.5);
        Tensor inWindow = g.greater(g.scalar(WINDOW), g.abs(l));
        Tensor near = g.where(inWindow, u, g.scalar(0));
        Tensor series = g.mul(near, horner(g, g.square(near), 1.0 / 3, -1.0 / 45, 2.0 / 945, -1.0 / 4725, 2.0 / 93555));
        Tensor far = g.where(inWindow, g.scalar(1), u);
        Tensor direct = g.sub(g.reciprocal(g.tanh(far)), g.reciprocal(far));
        return g.add(g.mul(g.where(inWindow, series, direct), 0.5), 0.5);
    }

    /** c0 + w·(c1 + w·(c2 + ...)). */
    private static Tensor horner(Graph g, Tensor w, double... c) {
        Tensor acc = g.scalar(c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) {
            acc = g.add(g.mul(acc, w), c[i]);
        }
        return acc;
    }

    @Override
    public LinkedHashMap<String, Tensor> outputs(Graph g, ParameterSource params, Tensor logits) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("mean", mean(g, logits));
        out.put("logits", logits);
        return out;
    }

    /**
     * The inverse CDF at u for a = |l|: {@code y = log(1 + u(e^a - 1))/a}, computed as
     * {@code 1 + log(u + (1-u)e^-a)/a} so that e^a never overflows, and by its series
     * {@code u + u(1-u)a/2 + u(1-u)(1-2u)a²/6} for a &lt; {@value #SAMPLER_WINDOW}; a negative
     * logit uses the symmetry x ~ CB(λ) ⇔ 1 - x ~ CB(1 - λ).
     */
    @Override
    public Tensor sample(Graph g, ParameterSource params, Tensor logits, SampleNoise noise) {
        Tensor u = noise.uniform();
        Tensor a = g.abs(logits);
        Tensor inWindow = g.greater(g.scalar(SAMPLER_WINDOW), a);
        Tensor near = g.where(inWindow, a, g.scalar(0));
        Tensor spread = g.mul(u, g.sub(g.scalar(1), u)); // u(1-u)
        Tensor series = g.add(u, g.mul(spread, g.mul(near, g.add(g.mul(g.mul(near, g.sub(g.scalar(1), g.mul(u, 2.0))),
                1.0 / 6), 0.5))));
        Tensor far = g.where(inWindow, g.scalar(1), a);
        Tensor direct = g.add(g.div(g.log(g.add(u, g.mul(g.sub(g.scalar(1), u), g.exp(g.neg(far))))), far), 1.0);
        Tensor y = g.where(inWindow, series, direct);
        Tensor x = g.where(g.greater(g.scalar(0), logits), g.sub(g.scalar(1), y), y);
        return g.min(g.max(x, g.scalar(0)), g.scalar(1));
    }

    /** {@code likelihood: {type: continuous-bernoulli}} takes no options. */
    public static final class Factory implements HeadFactory {
        @Override
        public LikelihoodHead create(ComponentSpec spec) {
            spec.options().finish();
            return new ContinuousBernoulliHead();
        }
    }
}
