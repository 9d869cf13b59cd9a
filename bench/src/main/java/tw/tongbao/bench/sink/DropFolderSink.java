package tw.tongbao.bench.sink;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The batch-csv agencies' side of the drop directory: every few milliseconds takes each complete file (its
 * {@code .sha256} sidecar is in place), verifies the checksum, records one arrival per row (receipt = third column)
 * at the time the file was seen, and removes the file.
 */
public final class DropFolderSink implements AutoCloseable {

    private static final long POLL_MILLIS = 10;

    private final ScheduledExecutorService poller =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "drop-folder-sink"));
    private final Path root;
    private final Map<String, Integer> agencies;
    private final Map<String, Charset> charsets;
    private final Arrivals arrivals;

    /** Watches {@code root/{CODE}/} for each agency (code → position), reading files in each agency's charset. */
    public DropFolderSink(Path root, Map<String, Integer> agencies, Map<String, Charset> charsets, Arrivals arrivals) {
        this.root = root;
        this.agencies = Map.copyOf(agencies);
        this.charsets = Map.copyOf(charsets);
        this.arrivals = arrivals;
    }

    /** Starts polling. */
    public DropFolderSink start() {
        poller.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void poll() {
        agencies.forEach((code, index) -> {
            Path folder = root.resolve(code);
            if (!Files.isDirectory(folder)) {
                return;
            }
            try (DirectoryStream<Path> sidecars = Files.newDirectoryStream(folder, "*.csv.sha256")) {
                for (Path sidecar : sidecars) {
                    // Unfinished files (".tmp-…") are the adapters' business until renamed into place.
                    if (!sidecar.getFileName().toString().startsWith(".")) {
                        take(sidecar, index, charsets.get(code));
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("drop-folder sink: " + e);
            }
        });
    }

    private void take(Path sidecar, int agency, Charset charset) throws IOException {
        long seen = System.nanoTime();
        String name = sidecar.getFileName().toString();
        Path file = sidecar.resolveSibling(name.substring(0, name.length() - ".sha256".length()));
        if (!Files.exists(file)) {
            return;
        }
        byte[] content = Files.readAllBytes(file);
        String expected =
                Files.readString(sidecar, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        List<List<String>> rows = CsvReader.parse(new String(content, charset));
        if (!expected.equalsIgnoreCase(sha256(content))) {
            rows.stream().skip(1).forEach(row -> arrivals.unverified());
        } else {
            for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
                if (row.size() >= 3) {
                    arrivals.arrived(row.get(2), agency, seen);
                }
            }
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(sidecar);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    /** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF line ends. */
    static final class CsvReader {

        private CsvReader() {}

        static List<List<String>> parse(String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    field.append(c);
                }
            }
            if (field.length() > 0 || !row.isEmpty()) {
                row.add(field.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
