package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.console.ProgressBar;
import dev.vaelab.core.error.DataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
    private static final int SIZE = 150_000;
    private static final byte[] BODY = TestFiles.randomBytes(11, SIZE);
    private static final DataFile FILE = new DataFile("blob.gz", "blob.gz", SIZE, Checksum.md5(TestFiles.md5(BODY)), Split.TRAIN, DataFile.Content.IMAGES);

    @TempDir
    Path dir;

    private final TestServer server = new TestServer();
    private final ByteArrayOutputStream progressOutput = new ByteArrayOutputStream();
    private final Downloader downloader = new Downloader(Downloader.newClient(Duration.ofSeconds(5)), Duration.ofSeconds(1),
            (label, total) -> new ProgressBar(new PrintStream(progressOutput, true, StandardCharsets.UTF_8), label, total, false));

    @AfterEach
    void stopServer() {
        server.close();
    }

    private DatasetSpec spec(DataFile file, URI... mirrors) {
        return new DatasetSpec("blobs", "blobs", DatasetSpec.Format.IDX, List.of(file), new ImageShape(1, 2, 2), List.of(), false, List.of(mirrors));
    }

    private Path target() {
        return dir.resolve("blobs");
    }

    private List<String> filesLeft() {
        if (!Files.isDirectory(target())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void downloadsVerifiesAndPlacesTheFile() throws IOException {
        server.route("/a/", TestServer.ok(BODY));
        Path path = downloader.download(spec(FILE, server.base("/a/")), FILE, target());
        assertEquals(target().resolve("blob.gz"), path);
        assertArrayEquals(BODY, Files.readAllBytes(path));
        assertEquals(List.of("blob.gz"), filesLeft());
        String progress = progressOutput.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("blobs/blob.gz [########################] 100%"), progress);
        assertTrue(progress.contains("0.2 / 0.2 MB"), progress);
    }

    @Test
    void aDroppedConnectionFallsThroughToTheNextMirror() throws IOException {
        server.route("/a/", TestServer.dropsConnection(BODY, 1024)).route("/b/", TestServer.ok(BODY));
        downloader.download(spec(FILE, server.base("/a/"), server.base("/b/")), FILE, target());
        assertEquals(1, server.hits("/a/blob.gz"));
        assertArrayEquals(BODY, Files.readAllBytes(target().resolve("blob.gz")));
        assertEquals(List.of("blob.gz"), filesLeft());
    }

    @Test
    void aDroppedConnectionAloneIsReportedWithTheBytesReceived() {
        server.route("/a/", TestServer.dropsConnection(BODY, 1024));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, server.base("/a/")), FILE, target()));
        assertTrue(e.getMessage().contains(server.base("/a/") + "blob.gz: got "), e.getMessage());
        assertTrue(e.getMessage().contains(" of 150000 bytes, then the transfer failed"), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void aServerThatGoesSilentMidBodyFailsAfterTheStallTimeout() {
        server.route("/a/", server.stalls(BODY, 1024));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, server.base("/a/")), FILE, target()));
        assertTrue(e.getMessage().contains(server.base("/a/") + "blob.gz: got 1024 of 150000 bytes, then nothing for 1s; "), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void aShortCompleteResponseIsATruncatedDownload() {
        server.route("/a/", TestServer.shortChunked(BODY, 1024));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, server.base("/a/")), FILE, target()));
        assertTrue(e.getMessage().contains(server.base("/a/") + "blob.gz: got 1024 of 150000 bytes; "), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void aCorruptedBodyOfTheRightSizeFailsTheChecksum() {
        byte[] corrupted = BODY.clone();
        corrupted[SIZE / 2] ^= 1;
        server.route("/a/", TestServer.ok(corrupted));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, server.base("/a/")), FILE, target()));
        assertTrue(e.getMessage().contains(server.base("/a/") + "blob.gz: md5 mismatch: expected " + FILE.checksum().hex() + ", got "
                + TestFiles.md5(corrupted)), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void aBodyLongerThanTheFileIsRejected() {
        byte[] longer = Arrays.copyOf(BODY, SIZE + 10);
        server.route("/a/", TestServer.ok(longer));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, server.base("/a/")), FILE, target()));
        assertTrue(e.getMessage().contains("blob.gz: got more than the expected 150000 bytes"), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void a404ThenSuccessOnTheSecondMirror() throws IOException {
        server.route("/missing/", TestServer.status(404)).route("/good/", TestServer.ok(BODY));
        downloader.download(spec(FILE, server.base("/missing/"), server.base("/good/")), FILE, target());
        assertEquals(1, server.hits("/missing/blob.gz"));
        assertEquals(1, server.hits("/good/blob.gz"));
        assertArrayEquals(BODY, Files.readAllBytes(target().resolve("blob.gz")));
        assertEquals(List.of("blob.gz"), filesLeft());
    }

    @Test
    void whenEveryMirrorFailsTheMessageListsEachAndSaysHowToInstallByHand() {
        byte[] corrupted = BODY.clone();
        corrupted[0] ^= 1;
        server.route("/a/", TestServer.status(404)).route("/b/", TestServer.status(503)).route("/c/", TestServer.ok(corrupted));
        DatasetSpec spec = spec(FILE, server.base("/a/"), server.base("/b/"), server.base("/c/"));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec, FILE, target()));
        assertEquals("cannot download blobs/blob.gz, every mirror failed:\n"
                + "  " + server.base("/a/") + "blob.gz: HTTP 404\n"
                + "  " + server.base("/b/") + "blob.gz: HTTP 503\n"
                + "  " + server.base("/c/") + "blob.gz: md5 mismatch: expected " + FILE.checksum().hex() + ", got " + TestFiles.md5(corrupted) + "\n"
                + "To install blobs by hand, put these files into " + target() + ":\n"
                + "  blob.gz (150000 bytes, md5 " + FILE.checksum().hex() + ")\n"
                + "or point --data-dir (or VAELAB_DATA) at a directory that holds blobs/ with them.", e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void anOfflineMachineGetsTheManualInstallInstructions() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/mnist/");
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, nowhere, nowhere.resolve("/b/")), FILE, target()));
        assertTrue(e.getMessage().startsWith("cannot download blobs/blob.gz: no mirror could be reached, this machine looks offline:\n  "
                + nowhere + "blob.gz: cannot connect: connection refused\n"), e.getMessage());
        assertTrue(e.getMessage().contains("put these files into " + target() + ":\n  blob.gz (150000 bytes, md5 "), e.getMessage());
        assertEquals(List.of(), filesLeft());
        // with a single mirror, all of it in one line
        e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, nowhere), FILE, target()));
        assertEquals("cannot download blobs/blob.gz, this machine looks offline: " + nowhere + "blob.gz: cannot connect: connection refused;"
                + " to install blobs by hand, put blob.gz (150000 bytes, md5 " + FILE.checksum().hex() + ") into " + target()
                + ", or point --data-dir (or VAELAB_DATA) at a directory that holds blobs/ with it", e.getMessage());
    }

    @Test
    void aSingleMirrorsFailureIsOneLineNamingTheFileAndItsUrl() {
        byte[] corrupted = BODY.clone();
        corrupted[1] ^= 1;
        server.route("/a/", TestServer.ok(corrupted));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(FILE, server.base("/a/")), FILE, target()));
        assertEquals("cannot download blobs/blob.gz from " + server.base("/a/") + "blob.gz: md5 mismatch: expected " + FILE.checksum().hex()
                + ", got " + TestFiles.md5(corrupted) + "; to install blobs by hand, put blob.gz (150000 bytes, md5 " + FILE.checksum().hex()
                + ") into " + target() + ", or point --data-dir (or VAELAB_DATA) at a directory that holds blobs/ with it", e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void filesPublishedUncompressedAreStoredGzippedAndVerifiedOnTheirContent() {
        byte[] binary = new byte[784 * 3];
        for (int i = 0; i < binary.length; i += 3) {
            binary[i] = (byte) 255;
        }
        byte[] amat = TestFiles.amat(binary, 784);
        String sha = TestFiles.sha256(amat);
        DataFile file = new DataFile("x.amat.gz", "x.amat", amat.length, Checksum.sha256OfUncompressed(sha), Split.TEST, DataFile.Content.IMAGES);
        server.route("/t/", TestServer.ok(amat));
        Path path = downloader.download(spec(file, server.base("/t/")), file, target());
        assertEquals("x.amat.gz", path.getFileName().toString());
        assertArrayEquals(binary, AmatReader.read(path, 784, Optional.of(file.checksum())));
        assertFalse(Files.exists(target().resolve("x.amat")));
    }

    @Test
    void aFileOfUnpublishedSizeIsVerifiedByItsChecksumAlone() throws IOException {
        DataFile file = DataFile.ofUnknownSize("blob.npz", SIZE * 2L, FILE.checksum(), Split.TRAIN, DataFile.Content.IMAGES);
        server.route("/a/", TestServer.shortChunked(BODY, SIZE));
        downloader.download(spec(file, server.base("/a/")), file, target());
        assertArrayEquals(BODY, Files.readAllBytes(target().resolve("blob.npz")));
        assertEquals(List.of("blob.npz"), filesLeft());
    }

    @Test
    void aFileOfUnpublishedSizeBeyondItsLimitIsCutOff() {
        DataFile file = DataFile.ofUnknownSize("blob.npz", SIZE - 1, FILE.checksum(), Split.TRAIN, DataFile.Content.IMAGES);
        server.route("/a/", TestServer.shortChunked(BODY, SIZE)).route("/b/", TestServer.ok(BODY));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(file, server.base("/a/"), server.base("/b/")), file, target()));
        assertTrue(e.getMessage().contains(server.base("/a/") + "blob.npz: got more than the limit of 149999 bytes for a file of unpublished size\n"),
                e.getMessage());
        assertTrue(e.getMessage().contains(server.base("/b/") + "blob.npz: the server announces 150000 bytes, more than the limit of 149999 bytes\n"),
                e.getMessage());
        assertTrue(e.getMessage().contains("\n  blob.npz (md5 " + FILE.checksum().hex() + ")\n"), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }

    @Test
    void aFileOfUnpublishedSizeWithTheWrongChecksumIsRejected() {
        byte[] corrupted = BODY.clone();
        corrupted[7] ^= 1;
        DataFile file = DataFile.ofUnknownSize("blob.npz", SIZE * 2L, FILE.checksum(), Split.TRAIN, DataFile.Content.IMAGES);
        server.route("/a/", TestServer.shortChunked(corrupted, SIZE));
        DataException e = assertThrows(DataException.class, () -> downloader.download(spec(file, server.base("/a/")), file, target()));
        assertTrue(e.getMessage().contains(server.base("/a/") + "blob.npz: md5 mismatch: expected " + FILE.checksum().hex() + ", got "
                + TestFiles.md5(corrupted) + "; "), e.getMessage());
        assertEquals(List.of(), filesLeft());
    }
}
