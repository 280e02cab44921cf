package dev.vaelab.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a run executes, recorded in {@code run.json} so that a result can be traced to the machine
 * and the vaelab build that produced it.
 *
 * @param host the machine's host name
 * @param vaelabVersion the version of vaelab that ran
 */
public record RunEnvironment(String host, String vaelabVersion) {
    private static final String UNKNOWN = "unknown";

    public RunEnvironment {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(vaelabVersion, "vaelabVersion");
    }

    /** This machine and this build. */
    public static RunEnvironment detect() {
        return new RunEnvironment(hostName(), version());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // Containers without a resolvable host name still tell it through the environment.
            for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
                String value = System.getenv(variable);
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
            return UNKNOWN;
        }
    }

    /** The project version Maven writes into {@code version.properties} at build time. */
    private static String version() {
        try (InputStream in = RunEnvironment.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
