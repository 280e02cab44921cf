package dev.vaelab.data;

import dev.vaelab.core.console.ProgressBar;
import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Downloads a dataset file from its mirrors into the data root.
 *
 * <p>Each attempt streams into a temporary file in the target directory while counting bytes and
 * computing the checksum, then checks the size and the checksum and moves the file into place
 * atomically, so a reader never sees a partial file. A file whose publisher gives no size
 * ({@link DataFile#exactSize()} false) is verified by its pinned checksum alone and cut off at its
 * size limit. A failed attempt deletes its temporary file and
 * moves on to the next mirror; when all fail, the message lists each mirror with what went wrong and
 * says where to put the files by hand (in one line where there is only one mirror).
 */
public final class Downloader {
    /** Opens the progress display of one download. */
    @FunctionalInterface
    public interface ProgressFactory {
        ProgressBar open(String label, long totalBytes);
    }

    private static final int BUFFER = 1 << 16;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final Duration stallTimeout;
    private final ProgressFactory progress;

    /**
     * @param client the HTTP client; give it a connect timeout
     * @param stallTimeout how long a server may send nothing, before the response headers or within the body,
     *     before the attempt fails; the JDK client has no read timeout of its own
     * @param progress where download progress goes
     */
    public Downloader(HttpClient client, Duration stallTimeout, ProgressFactory progress) {
        this.client = client;
        this.stallTimeout = stallTimeout;
        this.progress = progress;
    }

    /** A downloader with a 20 s connect timeout and a 60 s stall timeout, following redirects, with a progress bar on standard error. */
    public static Downloader standard() {
        return new Downloader(newClient(CONNECT_TIMEOUT), STALL_TIMEOUT, ProgressBar::onStderr);
    }

    /** An HTTP/1.1 client with the given connect timeout that follows redirects (except https to http). */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Downloads {@code file} of {@code spec} into {@code directory}, trying each mirror in turn.
     *
     * @return the path of the verified file
     * @throws DataException when no mirror gave the right bytes
     */
    public Path download(DatasetSpec spec, DataFile file, Path directory) {
        Path target = directory.resolve(file.name());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DataException("cannot create the data directory " + directory + " (" + e + "); " + manualHint(spec, directory), e);
        }
        List<String> failures = new ArrayList<>();
        boolean anyReached = false;
        for (URI mirror : spec.mirrors()) {
            URI url = DatasetSpec.url(mirror, file);
            try {
                attempt(spec, file, url, target);
                return target;
            } catch (AttemptFailed e) {
                failures.add("  " + url + ": " + e.getMessage());
                anyReached |= e.reachedServer;
            }
        }
        String what = spec.directory() + "/" + file.name();
        if (failures.size() == 1) {
            // one mirror: one line, naming the file, its URL and what went wrong
            String failure = failures.get(0).strip();
            throw oneLine(anyReached
                    ? "cannot download " + what + " from " + failure
                    : "cannot download " + what + ", this machine looks offline: " + failure, spec, directory);
        }
        String tried = String.join("\n", failures);
        if (!anyReached) {
            throw new DataException("cannot download " + what + ": no mirror could be reached, this machine looks offline:\n" + tried
                    + "\n" + manualHint(spec, directory));
        }
        throw new DataException("cannot download " + what + ", every mirror failed:\n" + tried + "\n" + manualHint(spec, directory));
    }

    private void attempt(DatasetSpec spec, DataFile file, URI url, Path target) throws AttemptFailed {
        Path temp;
        try {
            temp = Files.createTempFile(target.getParent(), "." + file.name() + ".", ".part");
        } catch (IOException e) {
            throw new AttemptFailed("cannot create a temporary file in " + target.getParent() + " (" + e + ")", true);
        }
        try {
            fetch(spec, file, url, temp);
            moveIntoPlace(temp, target);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Left behind only if the directory became unwritable meanwhile; the hidden .part name keeps it out of the way.
            }
        }
    }

    private void fetch(DatasetSpec spec, DataFile file, URI url, Path temp) throws AttemptFailed {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(stallTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | UnresolvedAddressException e) {
            Optional<String> connectFailure = connectFailure(e, url);
            if (connectFailure.isPresent()) {
                throw new AttemptFailed("cannot connect: " + connectFailure.get(), false);
            }
            throw new AttemptFailed("request failed (" + describe(e) + ")", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("download of " + file.name() + " interrupted", e);
        }
        long limit = file.downloadSize();
        long received = 0;
        MessageDigest digest = file.checksum().newDigest();
        try (InputStream body = response.body(); StallWatch watch = new StallWatch(body, stallTimeout)) {
            if (response.statusCode() != 200) {
                throw new AttemptFailed("HTTP " + response.statusCode(), true);
            }
            long total = file.exactSize() ? limit : announcedLength(response).orElse(-1L);
            if (total > limit) {
                throw new AttemptFailed("the server announces " + total + " bytes, more than the limit of " + limit + " bytes", true);
            }
            ProgressBar bar = progress.open(spec.directory() + "/" + file.name(), total);
            try (OutputStream out = open(temp, file)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = read(body, buffer, watch, received, file)) >= 0; ) {
                    received += n;
                    if (received > limit) {
                        throw new AttemptFailed(file.exactSize()
                                ? "got more than the expected " + limit + " bytes"
                                : "got more than the limit of " + limit + " bytes for a file of unpublished size", true);
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    bar.update(received, megabytes(received) + (total >= 0 ? " / " + megabytes(total) : "") + " MB");
                }
            }
        } catch (IOException e) {
            throw new AttemptFailed("cannot write " + temp + " (" + describe(e) + ")", true);
        }
        if (file.exactSize() && received != limit) {
            throw new AttemptFailed("got " + received + " of " + limit + " bytes", true);
        }
        byte[] actual = digest.digest();
        if (!file.checksum().matches(actual)) {
            Checksum c = file.checksum();
            throw new AttemptFailed(c.algorithm().label() + " mismatch: expected " + c.hex() + ", got " + Checksum.toHex(actual), true);
        }
    }

    /** Reads the next bytes of a body; a failed read becomes this attempt's failure, saying how far it got. */
    private int read(InputStream body, byte[] buffer, StallWatch watch, long received, DataFile file) throws AttemptFailed {
        try {
            int n = body.read(buffer);
            watch.progressed();
            return n;
        } catch (IOException e) {
            String why = watch.stalled()
                    ? "then nothing for " + ProgressBar.formatDuration(stallTimeout.toMillis() / 1e3)
                    : "then the transfer failed (" + describe(e) + ")";
            String got = file.exactSize() ? received + " of " + file.downloadSize() : Long.toString(received);
            throw new AttemptFailed("got " + got + " bytes, " + why, true);
        }
    }

    /**
     * The Content-Length a server announces for a file of unpublished size: it sizes the progress display
     * and refuses, before any byte is written, a body beyond the limit; the limit holds either way.
     */
    private static Optional<Long> announcedLength(HttpResponse<?> response) {
        return response.headers().firstValueAsLong("content-length").stream().filter(n -> n >= 0).boxed().findFirst();
    }

    /** The temporary file's stream: the bytes as received, or gzip-compressed for files stored compressed. */
    private static OutputStream open(Path temp, DataFile file) throws IOException {
        OutputStream out = Files.newOutputStream(temp);
        return file.compressOnStore() ? new GZIPOutputStream(out, BUFFER) : out;
    }

    private static void moveIntoPlace(Path temp, Path target) throws AttemptFailed {
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so this only happens on unusual file systems; a plain replace is the best they offer.
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new AttemptFailed("downloaded, but cannot move it to " + target + " (" + e + ")", true);
        }
    }

    /** A single mirror's failure with the manual install, in one line. */
    private static DataException oneLine(String failure, DatasetSpec spec, Path directory) {
        List<String> files = spec.files().stream().map(DataFile::describe).toList();
        return new DataException(failure + "; to install " + spec.name() + " by hand, put " + String.join(", ", files) + " into " + directory
                + ", or point --data-dir (or " + DataRoot.ENV_VARIABLE + ") at a directory that holds " + spec.directory() + "/ with "
                + (files.size() == 1 ? "it" : "them"));
    }

    private static String manualHint(DatasetSpec spec, Path directory) {
        StringBuilder sb = new StringBuilder("To install " + spec.name() + " by hand, put these files into " + directory + ":");
        for (DataFile f : spec.files()) {
            sb.append("\n  ").append(f.describe());
        }
        sb.append("\nor point --data-dir (or ").append(DataRoot.ENV_VARIABLE).append(") at a directory that holds ")
                .append(spec.directory()).append("/ with them.");
        return sb.toString();
    }

    /** Why a connection could not be made, or empty when the failure came later. */
    private Optional<String> connectFailure(Throwable e, URI url) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return Optional.of("no answer within "
                        + client.connectTimeout().map(d -> ProgressBar.formatDuration(d.toMillis() / 1e3)).orElse("the timeout"));
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return Optional.of("unknown host " + url.getHost());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                Throwable root = rootCause(t);
                return Optional.of(root instanceof ClosedChannelException || root.getMessage() == null ? "connection refused" : root.getMessage());
            }
        }
        return Optional.empty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The innermost message in a chain of causes, or the innermost type where none has one. */
    private static String describe(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? message : rootCause(e).getClass().getSimpleName();
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    /** One mirror's failure; {@code reachedServer} tells an offline machine from a broken mirror. */
    private static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean reachedServer;

        AttemptFailed(String message, boolean reachedServer) {
            super(message, null, false, false);
            this.reachedServer = reachedServer;
        }
    }
}
