package io.graphagent.coordinator.input;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Where lines start in a file: a split's ends move to the first line start at or after them. */
final class LineStarts {
    private LineStarts() {
    }

    /** The start of the first line starting at or after {@code position} (the file size when none). */
    static long at(FileChannel file, long position) throws IOException {
        long size = file.size();
        if (position == 0 || position >= size) {
            return Math.min(position, size);
        }
        ByteBuffer scan = ByteBuffer.allocate(64 * 1024);
        long at = position - 1;
        while (at < size) {
            scan.clear();
            int read = file.read(scan, at);
            if (read <= 0) {
                return size;
            }
            for (int i = 0; i < read; i++) {
                if (scan.get(i) == '\n') {
                    return at + i + 1;
                }
            }
            at += read;
        }
        return size;
    }
}
