package tw.tongbao.adapters.batchcsv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The drop directory: publishes whole batch files atomically (temporary name, fsync, rename, {@code .sha256}
 * sidecar, directory fsync), so a reader never sees half a file.
 */
final class DropFolder {

    /** Files under this prefix are unfinished; readers ignore them and start-up removes them. */
    static final String TEMP_PREFIX = ".tmp-";

    // File names carry UTC so that they sort and never repeat across daylight or zone settings.
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final Path root;
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();

    DropFolder(Path root) {
        this.root = root;
    }

    /** Writes {@code content} as the agency's next file and returns where it landed, with its sidecar. */
    Path publish(String agency, byte[] content, Instant closedAt) throws IOException {
        Path directory = Files.createDirectories(root.resolve(agency));
        String temp = TEMP_PREFIX + UUID.randomUUID();
        Path tempFile = directory.resolve(temp + ".csv");
        Path tempSidecar = directory.resolve(temp + ".csv.sha256");
        Path target = null;
        try {
            writeDurably(tempFile, content);
            target = freeName(directory, agency, closedAt);
            String sidecar = sha256(content) + "  " + target.getFileName() + "\n";
            writeDurably(tempSidecar, sidecar.getBytes(StandardCharsets.US_ASCII));
            Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tempSidecar, sidecarOf(target), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(directory);
            return target;
        } catch (IOException | RuntimeException e) {
            // Its deliveries will be tried again, so take back whatever became visible.
            if (target != null) {
                deleteQuietly(sidecarOf(target), e);
                deleteQuietly(target, e);
            }
            throw e;
        } finally {
            Files.deleteIfExists(tempFile);
            Files.deleteIfExists(tempSidecar);
        }
    }

    /** Removes unfinished files left by a crash in every agency folder; returns how many. */
    int removeLeftovers() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> agencies = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path agency : agencies) {
                try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(agency, TEMP_PREFIX + "*")) {
                    for (Path leftover : leftovers) {
                        Files.deleteIfExists(leftover);
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    static Path sidecarOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    private Path freeName(Path directory, String agency, Instant closedAt) {
        AtomicLong sequence = sequences.computeIfAbsent(agency, a -> new AtomicLong());
        Path candidate;
        do {
            String name = String.format("%s-%s-%04d.csv", agency, STAMP.format(closedAt), sequence.incrementAndGet());
            candidate = directory.resolve(name);
        } while (Files.exists(candidate) || Files.exists(sidecarOf(candidate)));
        return candidate;
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    // Makes the renames themselves durable (POSIX: the directory entry lives in the directory).
    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static void deleteQuietly(Path file, Exception cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
