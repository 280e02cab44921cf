package dev.vaelab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private final Catalog catalog = new Catalog();

    @Test
    void mnistHasTheOriginalFilesAndPublishedMd5s() {
        DatasetSpec mnist = catalog.get("mnist");
        assertEquals(List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
                mnist.files().stream().map(DataFile::name).toList());
        DataFile trainImages = mnist.file(Split.TRAIN, DataFile.Content.IMAGES).orElseThrow();
        assertEquals(Checksum.md5("f68b3c2dcbeaaa9fbdd348bbdeb94873"), trainImages.checksum());
        assertEquals(9912422, trainImages.downloadSize());
        assertEquals(new ImageShape(1, 28, 28), mnist.shape());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), mnist.labelNames());
        assertEquals(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz"),
                DatasetSpec.url(mnist.mirrors().get(0), trainImages));
        assertEquals(URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"), mnist.mirrors().get(1));
    }

    @Test
    void fashionMnistHasItsClassNames() {
        DatasetSpec fashion = catalog.get("fashion-mnist");
        assertEquals(10, fashion.numClasses());
        assertEquals("T-shirt/top", fashion.labelNames().get(0));
        assertEquals("Ankle boot", fashion.labelNames().get(9));
        assertEquals("Sneaker", fashion.labelNames().get(7));
        assertEquals("bb300cfdad3c16e7a12a480ee83cd310", fashion.file(Split.TEST, DataFile.Content.LABELS).orElseThrow().checksum().hex());
    }

    @Test
    void binarizedMnistIsStoredCompressedAndCheckedOnItsUncompressedContent() {
        DatasetSpec binarized = catalog.get("binarized-mnist");
        assertTrue(binarized.binary());
        assertFalse(binarized.hasLabels());
        DataFile valid = binarized.file(Split.VALIDATION, DataFile.Content.IMAGES).orElseThrow();
        assertEquals("binarized_mnist_valid.amat.gz", valid.name());
        assertEquals("binarized_mnist_valid.amat", valid.remoteName());
        assertTrue(valid.compressOnStore());
        assertTrue(valid.checksum().ofUncompressed());
        assertEquals(Checksum.Algorithm.SHA256, valid.checksum().algorithm());
        assertEquals(URI.create("http://www.cs.toronto.edu/~larocheh/public/datasets/binarized_mnist/binarized_mnist_valid.amat"),
                DatasetSpec.url(binarized.mirrors().get(0), valid));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        DataException e = assertThrows(DataException.class, () -> catalog.get("cifar10"));
        assertEquals("unknown dataset 'cifar10'; known datasets: mnist, fashion-mnist, binarized-mnist", e.getMessage());
    }

    @Test
    void mirrorsCanBeReplacedPerDataset() {
        Catalog local = new Catalog(Map.of("mnist", List.of(URI.create("http://127.0.0.1:9/m"))));
        assertEquals(List.of(URI.create("http://127.0.0.1:9/m/")), local.get("mnist").mirrors());
        assertEquals(Catalog.FASHION_MNIST_MIRRORS, local.get("fashion-mnist").mirrors());
        assertEquals(catalog.get("mnist").files(), local.get("mnist").files());
        assertThrows(IllegalArgumentException.class, () -> new Catalog(Map.of("nope", List.of(URI.create("http://x/")))));
    }

    @Test
    void checksumsRejectMalformedDigests() {
        assertThrows(IllegalArgumentException.class, () -> Checksum.md5("f68b"));
        assertThrows(IllegalArgumentException.class, () -> Checksum.md5("z68b3c2dcbeaaa9fbdd348bbdeb94873"));
        assertEquals("f68b3c2dcbeaaa9fbdd348bbdeb94873", Checksum.md5("F68B3C2DCBEAAA9FBDD348BBDEB94873").hex());
    }
}
