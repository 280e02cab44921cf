package dev.vaelab.data.cifar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.sun.net.httpserver.HttpServer;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.DataException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.Checksum;
import dev.vaelab.data.DataModule;
import dev.vaelab.data.DataRoot;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.DatasetRegistry;
import dev.vaelab.data.Downloader;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.LoadContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataset: cifar10} end to end on a generated archive of the official layout (3 records a batch), served by a local mirror. */
class Cifar10ProviderTest {
    @TempDir
    Path dir;

    private DatasetRegistry.ConfiguredData configure(Cifar10Provider provider, String flow) {
        DatasetRegistry registry = new DatasetRegistry(Map.of(Cifar10Provider.NAME, provider));
        return registry.resolve(ConfigLoader.parse("data: " + flow + "\n", "x.yaml").map("data"));
    }

    private LoadContext context() {
        return new LoadContext(new DataRoot(dir.resolve("data")), Downloader.standard(), DatasetCache.under(dir.resolve("results")),
                new RandomStreams(1));
    }

    @Test
    void downloadsVerifiesExtractsAndLoadsEveryImageWithItsLabel() throws IOException {
        byte[] archive = CifarArchiveTest.archive(3);
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cifar/" + Cifar10Provider.ARCHIVE, exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, archive.length);
            exchange.getResponseBody().write(archive);
            exchange.close();
        });
        server.start();
        try {
            URI mirror = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar/");
            Cifar10Provider provider = new Cifar10Provider(Cifar10Provider.spec(archive.length, Checksum.md5(CifarArchiveTest.md5(archive)),
                    List.of(mirror)));
            DatasetRegistry.ConfiguredData data = configure(provider, "{dataset: cifar10, validation: 3}");
            assertEquals("3x32x32", data.info().shape().toString());
            assertEquals(Cifar10Provider.LABELS, data.info().labelNames());
            Dataset dataset = data.load(context());
            assertEquals(1, requests.get());
            assertEquals(12, dataset.train().count());
            assertEquals(3, dataset.validation().orElseThrow().count());
            assertEquals(3, dataset.test().count());
            // training images in batch order: batch b = 1 + i / 3, record r = i % 3; validation continues the sequence
            for (int i = 0; i < 15; i++) {
                ImageSet set = i < 12 ? dataset.train() : dataset.validation().orElseThrow();
                assertRecord(set, i < 12 ? i : i - 12, 1 + i / 3, i % 3);
            }
            for (int r = 0; r < 3; r++) {
                assertRecord(dataset.test(), r, 6, r);
            }
            Dataset again = configure(provider, "{dataset: cifar10, validation: 0}").load(context());
            assertEquals(1, requests.get(), "the extracted batches are reused");
            assertEquals(15, again.train().count());
        } finally {
            server.stop(0);
        }
    }

    private static void assertRecord(ImageSet set, int example, int b, int r) {
        assertEquals((b + r) % 10, set.label(example));
        for (int p : new int[] {0, 1023, 1024, 3071}) {
            assertEquals((b * 7 + r * 3 + p) % 256, set.pixel(example, p), "batch " + b + " record " + r + " pixel " + p);
        }
    }

    @Test
    void aCorruptArchiveInTheDataRootIsNamed() throws IOException {
        byte[] archive = CifarArchiveTest.archive(1);
        Path file = dir.resolve("data/cifar10/" + Cifar10Provider.ARCHIVE);
        Files.createDirectories(file.getParent());
        Files.write(file, archive);
        DataException e = assertThrows(DataException.class, () -> configure(new Cifar10Provider(), "{dataset: cifar10}").load(context()));
        assertEquals(file + ": checksum mismatch: expected md5 " + Cifar10Provider.MD5 + ", got " + CifarArchiveTest.md5(archive)
                + "; delete the file to download it again", e.getMessage());
    }

    @Test
    void isBoundInTheDataModule() {
        DatasetRegistry registry = Guice.createInjector(new DataModule()).getInstance(DatasetRegistry.class);
        assertTrue(registry.names().containsAll(List.of("cifar10", "numpy", "dsprites")), registry.names().toString());
    }
}
