package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a gzip file in one pass, computing its checksum while the parser consumes the content, and
 * returns the parsed value only once the checksum has matched.
 *
 * <p>A checksum mismatch is reported in preference to any format problem: a damaged file is best
 * fixed by downloading it again, whatever its damage looks like to the parser.
 */
final class VerifiedGzip {
    private static final int BUFFER = 1 << 16;

    /** Parses the decompressed content; throws {@link FormatException} when it is malformed. */
    interface Parser<T> {
        T parse(InputStream content) throws IOException;
    }

    private VerifiedGzip() {}

    static <T> T read(Path file, Optional<Checksum> checksum, Parser<T> parser) {
        MessageDigest digest = checksum.map(Checksum::newDigest).orElse(null);
        boolean digestContent = checksum.map(Checksum::ofUncompressed).orElse(false);
        try (InputStream fileIn = Files.newInputStream(file)) {
            InputStream raw = digest != null && !digestContent ? new DigestInputStream(fileIn, digest) : fileIn;
            InputStream content = null;
            T result = null;
            String problem = null;
            boolean gzipBroken = false;
            try {
                // GZIPInputStream reads the file in BUFFER-sized chunks, so no BufferedInputStream is needed below it.
                GZIPInputStream gzip = new GZIPInputStream(raw, BUFFER);
                content = digestContent ? new DigestInputStream(gzip, digest) : gzip;
                result = parser.parse(content);
                long extra = drain(content);
                if (extra > 0) {
                    problem = extra + " bytes follow the end of the data its header declares";
                }
            } catch (FormatException e) {
                problem = e.getMessage();
            } catch (ZipException | EOFException e) {
                problem = "not a complete gzip file (" + e.getMessage() + ")";
                gzipBroken = true;
            }
            if (digest != null) {
                if (digestContent && !gzipBroken && content != null) {
                    try {
                        drain(content);
                    } catch (ZipException | EOFException e) {
                        problem = "not a complete gzip file (" + e.getMessage() + ")";
                        gzipBroken = true;
                    }
                }
                drain(raw);
                Checksum expected = checksum.get();
                if (digestContent && gzipBroken) {
                    throw new DataException(file + ": " + problem + ", so its " + expected.algorithm().label()
                            + " cannot be verified (expected " + expected.describe() + "); delete the file to download it again");
                }
                byte[] actual = digest.digest();
                if (!expected.matches(actual)) {
                    throw new DataException(file + ": checksum mismatch: expected " + expected.describe() + ", got "
                            + Checksum.toHex(actual) + "; delete the file to download it again");
                }
            }
            if (problem != null) {
                throw new DataException(file + ": " + problem);
            }
            return result;
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] scratch = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.read(scratch)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
