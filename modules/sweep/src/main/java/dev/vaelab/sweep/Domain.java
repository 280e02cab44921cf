package dev.vaelab.sweep;

import dev.vaelab.core.config.ConfigNode;
import dev.vaelab.core.config.ConfigScalar;
import dev.vaelab.core.config.SourceLocation;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where the values of one swept parameter come from: a list to enumerate (grid) or pick from
 * (random), or a distribution to sample (random only), in the style of W&B sweeps.
 */
public sealed interface Domain {

    /** One value drawn with {@code random}, located where the domain is written. */
    ConfigNode sample(SplittableRandom random);

    /** The listed values ({@code [1, 4]} or {@code {values: [1, 4]}}; {@code {value: 4}} is a list of one). */
    record Values(List<ConfigNode> values) implements Domain {
        public Values {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a list of values needs at least one");
            }
        }

        @Override
        public ConfigNode sample(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }
    }

    /** A distribution, which only random search can draw from. */
    sealed interface Distribution extends Domain {
        /** Where {@code distribution:} is written; drawn values are placed there. */
        SourceLocation location();

        /** Its name in YAML. */
        String name();
    }

    /** Uniform on [min, max). */
    record Uniform(double min, double max, SourceLocation location) implements Distribution {
        @Override
        public ConfigNode sample(SplittableRandom random) {
            return number(min + random.nextDouble() * (max - min), location);
        }

        @Override
        public String name() {
            return "uniform";
        }
    }

    /** Log-uniform between the values {@code min} and {@code max} (both greater than 0), as W&B's {@code log_uniform_values}. */
    record LogUniform(double min, double max, SourceLocation location) implements Distribution {
        @Override
        public ConfigNode sample(SplittableRandom random) {
            double lo = Math.log(min);
            return number(Math.exp(lo + random.nextDouble() * (Math.log(max) - lo)), location);
        }

        @Override
        public String name() {
            return "log_uniform";
        }
    }

    /** A uniform integer in [min, max], both included. */
    record IntUniform(long min, long max, SourceLocation location) implements Distribution {
        @Override
        public ConfigNode sample(SplittableRandom random) {
            long value = min + random.nextLong(max - min + 1);
            return new ConfigScalar(Long.toString(value), true, location, "");
        }

        @Override
        public String name() {
            return "int_uniform";
        }
    }

    /** Normal with mean {@code mu} and standard deviation {@code sigma}. */
    record Normal(double mu, double sigma, SourceLocation location) implements Distribution {
        @Override
        public ConfigNode sample(SplittableRandom random) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1], so log never sees 0
            double u2 = random.nextDouble();
            return number(mu + sigma * Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2), location);
        }

        @Override
        public String name() {
            return "normal";
        }
    }

    /**
     * A drawn number as a plain YAML scalar, rounded to 6 significant digits: run tables and
     * folder hashes stay readable, and no experiment depends on the seventh digit of a learning rate.
     */
    static ConfigScalar number(double value, SourceLocation location) {
        double rounded = new BigDecimal(value).round(new MathContext(6)).doubleValue();
        // Java writes 1.2E-4; YAML reads either case, people read the lower one more easily
        return new ConfigScalar(Double.toString(rounded).replace('E', 'e'), true, location, "");
    }
}
