package dev.vaelab.data.folder;

import java.nio.file.Path;

/**
 * One image file of an image folder.
 *
 * @param file the file
 * @param relative its path below the scanned folder, with {@code /} separators, as messages and the content key name it
 * @param label its class index into the folder's sorted class names, or -1 in an unlabelled folder
 * @param size its size in bytes
 * @param modifiedMillis its modification time
 */
public record ImageEntry(Path file, String relative, int label, long size, long modifiedMillis) {}
