package dev.vaelab.data.folder;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images of a folder, found by torchvision's ImageFolder convention:
 *
 * <ul>
 *   <li>{@code DIR/train} and {@code DIR/test} both present: each is scanned as below and is its split;
 *   <li>a folder of subfolders: one class per subfolder, the labels being the sorted subfolder names, the
 *       images anywhere below each;
 *   <li>a folder of images only: unlabelled.
 * </ul>
 *
 * Images are files ending in {@code .png}, {@code .jpg}, {@code .jpeg}, {@code .bmp} or {@code .gif}
 * (any case); hidden files and other files are ignored, symbolic links are followed. Files are in
 * order of their relative path, so the same folder always gives the same order.
 *
 * @param root the scanned folder
 * @param classes the class names; empty when unlabelled
 * @param train the images of {@code DIR/train}, or of the whole folder when it has no split
 * @param test the images of {@code DIR/test}; empty when the folder has no split
 * @param presplit whether the folder has its own train/test split
 * @param contentKey a digest of every image's relative name, size and modification time, and the classes:
 *     it changes whenever a file is added, removed, renamed or rewritten, so a cache keyed by it is never stale
 */
public record ImageFolder(Path root, List<String> classes, List<ImageEntry> train, List<ImageEntry> test, boolean presplit, String contentKey) {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    public ImageFolder {
        classes = List.copyOf(classes);
        train = List.copyOf(train);
        test = List.copyOf(test);
    }

    /** Whether the images have class labels. */
    public boolean labelled() {
        return !classes.isEmpty();
    }

    /** Scans {@code root}; a missing folder, an empty one or a mix of images and class folders is an error naming it. */
    public static ImageFolder scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root + ": " + (Files.exists(root) ? "not a folder" : "no such folder")
                    + "; data.path of an image-folder dataset names a folder of images or of class folders");
        }
        Path trainDir = root.resolve("train");
        Path testDir = root.resolve("test");
        boolean presplit = Files.isDirectory(trainDir) && Files.isDirectory(testDir);
        List<String> classes;
        List<ImageEntry> train;
        List<ImageEntry> test;
        if (presplit) {
            classes = classFolders(trainDir);
            List<String> testClasses = classFolders(testDir);
            if (!classes.containsAll(testClasses) || classes.isEmpty() != testClasses.isEmpty()) {
                List<String> extra = testClasses.stream().filter(c -> !classes.contains(c)).toList();
                throw new DataException(testDir + ": " + (extra.isEmpty() ? "has no class folders but " + trainDir + " has"
                        : "class folders " + extra + " are not in " + trainDir + " (" + String.join(", ", classes) + ")"));
            }
            train = images(trainDir, classes);
            test = images(testDir, classes);
        } else {
            classes = classFolders(root);
            train = images(root, classes);
            test = List.of();
        }
        return new ImageFolder(root, classes, train, test, presplit, contentKey(classes, train, test));
    }

    /** The sorted names of the non-hidden subfolders of {@code dir}; empty for a flat folder. */
    private static List<String> classFolders(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> all = entries.filter(p -> !hidden(p)).toList();
            List<String> folders = all.stream().filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            if (!folders.isEmpty()) {
                List<String> loose = all.stream().filter(ImageFolder::isImage).map(p -> p.getFileName().toString()).sorted().toList();
                if (!loose.isEmpty()) {
                    throw new DataException(dir + ": holds both class folders (" + String.join(", ", folders) + ") and images ("
                            + loose.get(0) + (loose.size() > 1 ? " and " + (loose.size() - 1) + " more" : "")
                            + "); move the images into a class folder, or the folders' images up for an unlabelled set");
                }
            }
            return folders;
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list: " + e.getMessage());
        }
    }

    private static List<ImageEntry> images(Path dir, List<String> classes) {
        List<ImageEntry> entries = new ArrayList<>();
        if (classes.isEmpty()) {
            collect(dir, dir, -1, entries);
            if (entries.isEmpty()) {
                throw new DataException(dir + ": holds no images (.png, .jpg, .jpeg, .bmp, .gif) and no class folders");
            }
            return entries;
        }
        for (int label = 0; label < classes.size(); label++) {
            Path classDir = dir.resolve(classes.get(label));
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            int before = entries.size();
            collect(dir, classDir, label, entries);
            if (entries.size() == before) {
                throw new DataException(classDir + ": class folder holds no images (.png, .jpg, .jpeg, .bmp, .gif); remove it or add its images");
            }
        }
        return entries;
    }

    private static void collect(Path base, Path dir, int label, List<ImageEntry> out) {
        List<ImageEntry> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (!isImage(file) || hiddenBelow(dir, file)) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                String relative = base.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                found.add(new ImageEntry(file, relative, label, attributes.size(), attributes.lastModifiedTime().toMillis()));
            }
        } catch (NoSuchFileException e) {
            throw new DataException(e.getFile() + ": disappeared while the folder was scanned");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(dir + ": cannot scan: " + e.getMessage());
        }
        found.sort(Comparator.comparing(ImageEntry::relative));
        out.addAll(found);
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT)) && Files.isRegularFile(file);
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private static boolean hiddenBelow(Path dir, Path file) {
        for (Path part : dir.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String contentKey(List<String> classes, List<ImageEntry> train, List<ImageEntry> test) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
        digest.update(("classes\t" + String.join("\t", classes) + "\n").getBytes(StandardCharsets.UTF_8));
        for (List<ImageEntry> split : List.of(train, test)) {
            digest.update("split\n".getBytes(StandardCharsets.UTF_8));
            for (ImageEntry e : split) {
                digest.update((e.relative() + "\t" + e.size() + "\t" + e.modifiedMillis() + "\t" + e.label() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    }
}
