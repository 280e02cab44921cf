package dev.vaelab.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The published checksum of a data file.
 *
 * @param algorithm the digest algorithm
 * @param hex the expected digest, lower-case hexadecimal
 * @param ofUncompressed whether the digest covers the gzip-decompressed content rather than the file's
 *     bytes (binarized MNIST publishes SHA-256 of the plain {@code .amat} files, which we store gzipped)
 */
public record Checksum(Algorithm algorithm, String hex, boolean ofUncompressed) {
    /** The digest algorithms that datasets publish. */
    public enum Algorithm {
        MD5("MD5", 32),
        SHA256("SHA-256", 64);

        private final String jcaName;
        private final int hexLength;

        Algorithm(String jcaName, int hexLength) {
            this.jcaName = jcaName;
            this.hexLength = hexLength;
        }

        /** The short name used in messages: {@code md5}, {@code sha256}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.length() != algorithm.hexLength || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a " + algorithm.label() + " digest: " + hex);
        }
    }

    /** MD5 of the file as stored. */
    public static Checksum md5(String hex) {
        return new Checksum(Algorithm.MD5, hex, false);
    }

    /** SHA-256 of the file's gzip-decompressed content. */
    public static Checksum sha256OfUncompressed(String hex) {
        return new Checksum(Algorithm.SHA256, hex, true);
    }

    /** A fresh digest for this checksum's algorithm. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm.jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides " + algorithm.jcaName, e);
        }
    }

    /** Whether a finished digest equals the expected one. */
    public boolean matches(byte[] digest) {
        return hex.equals(HexFormat.of().formatHex(digest));
    }

    /** {@code md5 f68b…} or {@code sha256 ad69… of the uncompressed content}, as messages show it. */
    public String describe() {
        return algorithm.label() + " " + hex + (ofUncompressed ? " of the uncompressed content" : "");
    }

    /** Lower-case hexadecimal of a finished digest. */
    static String toHex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
