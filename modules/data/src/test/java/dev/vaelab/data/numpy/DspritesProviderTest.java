package dev.vaelab.data.numpy;

import static dev.vaelab.data.numpy.NpyBytes.doubles;
import static dev.vaelab.data.numpy.NpyBytes.longs;
import static dev.vaelab.data.numpy.NpyBytes.npy;
import static dev.vaelab.data.numpy.NpyBytes.npz;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.Checksum;
import dev.vaelab.data.DataRoot;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.data.Downloader;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.LoadContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataset: dsprites} on a generated file of the official structure (fewer images), with its pickled metadata. */
class DspritesProviderTest {
    private static final int N = 60;
    private static final int[] CLASSES = {3, 6, 40, 32, 32};

    @TempDir
    Path dir;

    private final long[] latents = new long[N * 6];

    /** Image i is lit exactly at pixel i (and nowhere else), as 0/1 uint8; its latent classes are random within dSprites' ranges. */
    private byte[] dspritesFile() {
        byte[] imgs = new byte[N * 64 * 64];
        SplittableRandom random = new SplittableRandom(11);
        double[] values = new double[N * 6];
        for (int i = 0; i < N; i++) {
            imgs[i * 4096 + i] = 1;
            for (int f = 0; f < 5; f++) {
                latents[i * 6 + 1 + f] = random.nextInt(CLASSES[f]);
                values[i * 6 + 1 + f] = DspritesProvider.FACTORS.get(f).values().get((int) latents[i * 6 + 1 + f]);
            }
            values[i * 6] = 1;
        }
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("metadata", npy("|O", new long[] {}, new byte[] {(byte) 0x80, 2, '}', 'q', '.'}));
        members.put("imgs", npy("|u1", new long[] {N, 64, 64}, imgs));
        members.put("latents_classes", npy("<i8", new long[] {N, 6}, longs(latents)));
        members.put("latents_values", npy("<f8", new long[] {N, 6}, doubles(values)));
        return npz(members, true);
    }

    private static String md5(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    /** No server listens here: a test that must not download fails if it tries. */
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9/dsprites/");

    private DatasetRegistry.ConfiguredData configure(Checksum checksum, String flow) {
        return configure(checksum, NOWHERE, flow);
    }

    private DatasetRegistry.ConfiguredData configure(Checksum checksum, URI mirror, String flow) {
        DatasetRegistry registry = new DatasetRegistry(Map.of(DspritesProvider.NAME, new DspritesProvider(checksum, List.of(mirror))));
        return registry.resolve(ConfigLoader.parse("data: " + flow + "\n", "x.yaml").map("data"));
    }

    private LoadContext context() {
        return new LoadContext(new DataRoot(dir.resolve("data")), Downloader.standard(), DatasetCache.under(dir.resolve("results")),
                new RandomStreams(5));
    }

    private Path install(byte[] file) throws IOException {
        Path target = dir.resolve("data/dsprites/" + DspritesProvider.FILE_NAME);
        Files.createDirectories(target.getParent());
        return Files.write(target, file);
    }

    @Test
    void theOfficialStructureLoadsWithItsFactors() throws Exception {
        byte[] file = dspritesFile();
        install(file);
        Dataset data = configure(Checksum.md5(md5(file)), "{dataset: dsprites, test_fraction: 0.25, validation: 5}").load(context());
        assertEquals("1x64x64", data.shape().toString());
        assertEquals(List.of("shape", "scale", "orientation", "posX", "posY"), data.info().factors().stream().map(f -> f.name()).toList());
        assertEquals(15, data.test().count());
        assertEquals(40, data.train().count());
        assertEquals(5, data.validation().orElseThrow().count());
        int seen = 0;
        for (ImageSet split : List.of(data.train(), data.validation().orElseThrow(), data.test())) {
            for (int e = 0; e < split.count(); e++) {
                int lit = -1;
                for (int p = 0; p < 4096; p++) {
                    int v = split.pixel(e, p);
                    assertTrue(v == 0 || v == 255, "binary pixels are 0 or 255");
                    if (v == 255) {
                        lit = p;
                    }
                }
                for (int f = 0; f < 5; f++) {
                    assertEquals(latents[lit * 6 + 1 + f], split.factorClass(e, f), "image " + lit + " factor " + f);
                }
                seen++;
            }
        }
        assertEquals(N, seen);
    }

    /** A local mirror serving {@code body} chunked, without a Content-Length, as GitHub's raw files may come. */
    private HttpServer mirror(byte[] body, AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/dsprites/" + DspritesProvider.FILE_NAME, exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static URI base(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dsprites/");
    }

    private List<String> filesIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMissingFileIsDownloadedVerifiedAndLoaded() throws Exception {
        byte[] file = dspritesFile();
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = mirror(file, requests);
        try {
            Dataset data = configure(Checksum.md5(md5(file)), base(server), "{dataset: dsprites, test_fraction: 0.25, validation: 5}").load(context());
            assertEquals(1, requests.get());
            assertEquals(40, data.train().count());
            assertArrayEquals(file, Files.readAllBytes(dir.resolve("data/dsprites/" + DspritesProvider.FILE_NAME)));
            configure(Checksum.md5(md5(file)), base(server), "{dataset: dsprites, test_fraction: 0.25, validation: 5}").load(context());
            assertEquals(1, requests.get(), "the downloaded file is reused");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDownloadWithTheWrongMd5IsNamedWithItsUrlAndLeavesNothingBehind() throws Exception {
        byte[] file = dspritesFile();
        HttpServer server = mirror(file, new AtomicInteger());
        try {
            URI url = base(server).resolve(DspritesProvider.FILE_NAME);
            DataException e = assertThrows(DataException.class, () -> configure(Checksum.md5(DspritesProvider.MD5), base(server), "{dataset: dsprites}")
                    .load(context()));
            Path directory = dir.resolve("data/dsprites");
            assertEquals("cannot download dsprites/" + DspritesProvider.FILE_NAME + " from " + url + ": md5 mismatch: expected " + DspritesProvider.MD5
                    + ", got " + md5(file) + "; to install dsprites by hand, put " + DspritesProvider.FILE_NAME + " (md5 " + DspritesProvider.MD5
                    + ") into " + directory + ", or point --data-dir (or VAELAB_DATA) at a directory that holds dsprites/ with it", e.getMessage());
            assertEquals(List.of(), filesIn(dir.resolve("data/dsprites")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aDamagedFileInstalledByHandIsNamed() throws Exception {
        byte[] file = dspritesFile();
        Path installed = install(file);
        DataException e = assertThrows(DataException.class, () -> configure(Checksum.md5(DspritesProvider.MD5), "{dataset: dsprites}").load(context()));
        assertEquals(installed + ": checksum mismatch: expected md5 " + DspritesProvider.MD5 + ", got " + md5(file) + "; delete the file and download "
                + DspritesProvider.URL + " again", e.getMessage());
    }

    @Test
    void factorClassesBeyondDspritesAreRejected() throws Exception {
        dspritesFile();
        latents[6 * 7 + 1] = 3; // a fourth shape
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("imgs", npy("|u1", new long[] {N, 64, 64}, new byte[N * 4096]));
        members.put("latents_classes", npy("<i8", new long[] {N, 6}, longs(latents)));
        byte[] bytes = npz(members, false);
        Path installed = install(bytes);
        DataException e = assertThrows(DataException.class, () -> configure(Checksum.md5(md5(bytes)), "{dataset: dsprites}").load(context()));
        assertEquals(installed + "[latents_classes]: column 1 (shape) has class 3, dSprites' shape classes are 0 to 2", e.getMessage());
    }
}
