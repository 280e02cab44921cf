package dev.vaelab.data.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    private Path touch(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.write(file, relative.getBytes());
    }

    private static List<String> names(List<ImageEntry> entries) {
        return entries.stream().map(e -> e.relative() + ":" + e.label()).toList();
    }

    @Test
    void classFoldersAreSortedAndTheirImagesFoundAtAnyDepth() throws IOException {
        touch("dog/b.jpg");
        touch("dog/a.PNG");
        touch("cat/deep/z.gif");
        touch("cat/y.bmp");
        touch("cat/notes.txt");
        touch("cat/.hidden.png");
        touch(".cache/x.png");
        ImageFolder folder = ImageFolder.scan(dir);
        assertEquals(List.of("cat", "dog"), folder.classes());
        assertEquals(List.of("cat/deep/z.gif:0", "cat/y.bmp:0", "dog/a.PNG:1", "dog/b.jpg:1"), names(folder.train()));
        assertEquals(List.of(), folder.test());
        assertFalse(folder.presplit());
        assertEquals(dir.resolve("cat/y.bmp"), folder.train().get(1).file());
        assertEquals("cat/y.bmp".length(), folder.train().get(1).size());
    }

    @Test
    void aFlatFolderIsUnlabelled() throws IOException {
        touch("2.jpeg");
        touch("10.png");
        ImageFolder folder = ImageFolder.scan(dir);
        assertFalse(folder.labelled());
        assertEquals(List.of("10.png:-1", "2.jpeg:-1"), names(folder.train()));
    }

    @Test
    void trainAndTestFoldersAreTheSplit() throws IOException {
        touch("train/cat/1.png");
        touch("train/dog/2.png");
        touch("test/dog/3.png");
        ImageFolder folder = ImageFolder.scan(dir);
        assertTrue(folder.presplit());
        assertEquals(List.of("cat", "dog"), folder.classes());
        assertEquals(List.of("cat/1.png:0", "dog/2.png:1"), names(folder.train()));
        assertEquals(List.of("dog/3.png:1"), names(folder.test()));
        touch("test/bird/4.png");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(dir));
        assertEquals(dir.resolve("test") + ": class folders [bird] are not in " + dir.resolve("train") + " (cat, dog)", e.getMessage());
    }

    @Test
    void foldersThatCannotBeReadAsDatasetsAreNamed() throws IOException {
        DataException e = assertThrows(DataException.class, () -> ImageFolder.scan(dir.resolve("absent")));
        assertEquals(dir.resolve("absent") + ": no such folder; data.path of an image-folder dataset names a folder of images or of class folders",
                e.getMessage());
        e = assertThrows(DataException.class, () -> ImageFolder.scan(dir));
        assertEquals(dir + ": holds no images (.png, .jpg, .jpeg, .bmp, .gif) and no class folders", e.getMessage());
        touch("cat/1.png");
        touch("loose.jpg");
        e = assertThrows(DataException.class, () -> ImageFolder.scan(dir));
        assertEquals(dir + ": holds both class folders (cat) and images (loose.jpg); move the images into a class folder, or the folders' images up "
                + "for an unlabelled set", e.getMessage());
        Files.delete(dir.resolve("loose.jpg"));
        touch("dog/readme.txt");
        e = assertThrows(DataException.class, () -> ImageFolder.scan(dir));
        assertEquals(dir.resolve("dog") + ": class folder holds no images (.png, .jpg, .jpeg, .bmp, .gif); remove it or add its images", e.getMessage());
    }

    @Test
    void theContentKeyChangesWithEveryNameSizeAndTimeAndOnlyThen() throws IOException {
        Path a = touch("cat/a.png");
        touch("dog/b.png");
        String key = ImageFolder.scan(dir).contentKey();
        assertEquals(key, ImageFolder.scan(dir).contentKey());
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 1000));
        String touched = ImageFolder.scan(dir).contentKey();
        assertNotEquals(key, touched);
        Files.write(a, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis()));
        String resized = ImageFolder.scan(dir).contentKey();
        assertNotEquals(touched, resized);
        touch("dog/c.png");
        String added = ImageFolder.scan(dir).contentKey();
        assertNotEquals(resized, added);
        Files.move(dir.resolve("dog/c.png"), dir.resolve("cat/c.png"));
        assertNotEquals(added, ImageFolder.scan(dir).contentKey());
        touch("dog/notes.txt");
        String unchanged = ImageFolder.scan(dir).contentKey();
        Files.delete(dir.resolve("dog/notes.txt"));
        assertEquals(unchanged, ImageFolder.scan(dir).contentKey());
    }

    @Test
    void linkedClassFoldersAreFollowed() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/photos"));
        Files.write(elsewhere.resolve("1.jpg"), new byte[] {1});
        Files.createDirectories(dir.resolve("set"));
        Files.createSymbolicLink(dir.resolve("set/cats"), elsewhere);
        touch("set/dogs/2.png");
        ImageFolder folder = ImageFolder.scan(dir.resolve("set"));
        assertEquals(List.of("cats/1.jpg:0", "dogs/2.png:1"), names(folder.train()));
    }
}
