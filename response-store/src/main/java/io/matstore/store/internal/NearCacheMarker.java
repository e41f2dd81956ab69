package io.matstore.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The clean-shutdown marker of a near-cache file: written only after the map is closed, deleted (durably) before
 * the first write after an open. Its presence says "the file was closed cleanly, holds exactly these bytes, and
 * reflects RocksDB at these offsets"; anything else (no marker, a marker that fails its own checksum, a file of
 * another length or checksum, other offsets) means the file is not trusted and is rebuilt from RocksDB.
 *
 * <pre>
 *   0        4        8              16             24             32             40       44
 *   +--------+--------+--------------+--------------+--------------+--------------+--------+-------------------+--------+
 *   | magic  | format | file length  | file crc32c  | entries      | value bytes  | count  | (partition int32, | crc32c |
 *   | "MSNC" | 1      | int64        | int64 (low32)| int64        | int64        | int32  |  offset int64)*n  | int32  |
 *   +--------+--------+--------------+--------------+--------------+--------------+--------+-------------------+--------+
 * </pre>
 * All big-endian; the trailing crc32c covers every byte before it.
 */
record NearCacheMarker(long fileLength, long fileCrc, long entries, long valueBytes, Map<Integer, Long> offsets) {
    private static final int MAGIC = 0x4D534E43;
    private static final int FORMAT = 1;

    NearCacheMarker {
        offsets = Map.copyOf(offsets);
    }

    /** The marker, or null when absent or unreadable (either way the file is not to be trusted). */
    static NearCacheMarker read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        if (bytes.length < 48) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
            return null;
        }
        if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
            return null;
        }
        long length = in.getLong();
        long fileCrc = in.getLong();
        long entries = in.getLong();
        long valueBytes = in.getLong();
        int count = in.getInt();
        if (count < 0 || count * 12L != bytes.length - 48L) {
            return null;
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            offsets.put(in.getInt(), in.getLong());
        }
        return new NearCacheMarker(length, fileCrc, entries, valueBytes, offsets);
    }

    /** Writes durably: temp file, fsync, atomic rename, fsync of the directory. */
    void write(Path path) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(48 + 12 * offsets.size());
        out.putInt(MAGIC)
                .putInt(FORMAT)
                .putLong(fileLength)
                .putLong(fileCrc)
                .putLong(entries)
                .putLong(valueBytes);
        out.putInt(offsets.size());
        for (Map.Entry<Integer, Long> e : new TreeMap<>(offsets).entrySet()) {
            out.putInt(e.getKey()).putLong(e.getValue());
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        out.flip();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(path.getParent());
    }

    /** Removes the marker and makes the removal durable, so a crash from now on leaves the file untrusted. */
    static void deleteDurably(Path path) throws IOException {
        if (Files.deleteIfExists(path)) {
            fsyncDirectory(path.getParent());
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** CRC32C of a whole file, read in 1 MiB chunks. */
    static long checksum(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        }
        return crc.getValue();
    }
}
