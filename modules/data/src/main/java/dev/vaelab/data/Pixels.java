package dev.vaelab.data;

import java.nio.ByteBuffer;

/**
 * Where the uint8 pixels of an {@link ImageSet} live: a heap array, an image store on disk, or a view
 * that samples another source. Images are addressed by their index in the storage, whole images at a
 * time, so that no caller needs the whole set in one array.
 */
interface Pixels {
    /** Images in the storage. */
    int images();

    /** Bytes per image, C·H·W. */
    int imageSize();

    /** Copies image {@code image} into {@code dst} from index {@code at}. */
    void copy(int image, byte[] dst, int at);

    /** Writes image {@code image} into {@code out} from absolute index {@code at}, leaving its position as it is. */
    void put(int image, ByteBuffer out, int at);

    /** Pixel {@code index} of image {@code image}, in [0, 255]. */
    int pixel(int image, int index);

    /** The backing array when the pixels are on the heap, image i at {@code i * imageSize()}; null otherwise. */
    default byte[] array() {
        return null;
    }

    /** Pixels in one heap array. */
    record Heap(byte[] data, int imageSize) implements Pixels {
        @Override
        public int images() {
            return data.length / imageSize;
        }

        @Override
        public void copy(int image, byte[] dst, int at) {
            System.arraycopy(data, image * imageSize, dst, at, imageSize);
        }

        @Override
        public void put(int image, ByteBuffer out, int at) {
            out.put(at, data, image * imageSize, imageSize);
        }

        @Override
        public int pixel(int image, int index) {
            return data[image * imageSize + index] & 0xff;
        }

        @Override
        public byte[] array() {
            return data;
        }
    }
}
