package dev.vaelab.data.numpy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the content of each stored (uncompressed) member of a zip file starts, found by walking its
 * local headers from the start of the file, as {@code np.savez} writes them: signature
 * {@code PK\3\4}, sizes in the header (or in its zip64 extra field). Such a member can then be read at
 * an offset or mapped. A member whose size is deferred to a data descriptor ends the walk, and it and
 * the members after it get no offset; they are still read through the zip reader.
 */
final class StoredOffsets {
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int HEADER = 30;
    private static final int ZIP64_EXTRA = 0x0001;

    private StoredOffsets() {}

    /** The offset of the content of each stored member, by entry name. */
    static Map<String, Long> of(Path file) throws IOException {
        Map<String, Long> offsets = new HashMap<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            while (at + HEADER <= channel.size()) {
                header.clear();
                channel.read(header, at);
                if (header.getInt(0) != LOCAL_SIGNATURE) {
                    break;
                }
                int flags = header.getShort(6) & 0xffff;
                int method = header.getShort(8) & 0xffff;
                long compressed = header.getInt(18) & 0xffffffffL;
                int nameLength = header.getShort(26) & 0xffff;
                int extraLength = header.getShort(28) & 0xffff;
                ByteBuffer rest = ByteBuffer.allocate(nameLength + extraLength).order(ByteOrder.LITTLE_ENDIAN);
                channel.read(rest, at + HEADER);
                String name = new String(rest.array(), 0, nameLength, StandardCharsets.UTF_8);
                if (compressed == 0xffffffffL) {
                    compressed = zip64CompressedSize(rest, nameLength, extraLength);
                }
                if ((flags & 0x8) != 0 || compressed < 0) {
                    break;
                }
                long content = at + HEADER + nameLength + extraLength;
                if (method == 0) {
                    offsets.put(name, content);
                }
                at = content + compressed;
            }
        }
        return offsets;
    }

    /** The compressed size from the zip64 extra field (uncompressed size first, then compressed), or -1. */
    private static long zip64CompressedSize(ByteBuffer rest, int nameLength, int extraLength) {
        int at = nameLength;
        int end = nameLength + extraLength;
        while (at + 4 <= end) {
            int id = rest.getShort(at) & 0xffff;
            int size = rest.getShort(at + 2) & 0xffff;
            if (id == ZIP64_EXTRA && size >= 16) {
                return rest.getLong(at + 4 + 8);
            }
            at += 4 + size;
        }
        return -1;
    }
}
