package tw.tongbao.systemtests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What a batch-csv agency finds in its drop folder, read strictly in its charset (RFC 4180, sha256 sidecars). */
public final class BatchFiles {

    private BatchFiles() {}

    /** One row of a closed file: column → value, with the file it came from. */
    public record Row(Path file, Map<String, String> cells) {

        /** The row's receipt. */
        public String receipt() {
            return cells.get("receipt");
        }

        /** The row's delivery id. */
        public String deliveryId() {
            return cells.get("deliveryId");
        }
    }

    /** Names in the folder that start with {@code .tmp-}: files a reader must never see as finished. */
    public static List<Path> temporary(Path folder) {
        return list(folder).stream()
                .filter(p -> p.getFileName().toString().startsWith(".tmp-"))
                .toList();
    }

    /**
     * Every row of every closed file ({@code *.csv} with a {@code .sha256} sidecar), after checking each sidecar and
     * decoding strictly in {@code charset} (a byte that does not decode fails).
     */
    public static List<Row> rows(Path folder, Charset charset) {
        List<Row> rows = new ArrayList<>();
        for (Path file : list(folder)) {
            String name = file.getFileName().toString();
            if (!name.endsWith(".csv") || name.startsWith(".tmp-")) {
                continue;
            }
            try {
                byte[] bytes = Files.readAllBytes(file);
                String sidecar = Files.readString(file.resolveSibling(name + ".sha256"));
                assertThat(sidecar).isEqualTo(sha256(bytes) + "  " + name + "\n");
                List<List<String>> records = parse(decode(bytes, charset));
                List<String> header = records.get(0);
                for (List<String> record : records.subList(1, records.size())) {
                    Map<String, String> cells = new LinkedHashMap<>();
                    for (int i = 0; i < header.size(); i++) {
                        cells.put(header.get(i), record.get(i));
                    }
                    rows.add(new Row(file, cells));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String decode(byte[] bytes, Charset charset) throws CharacterCodingException {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    /** RFC 4180: CRLF records, fields quoted when they hold a comma, quote or line break, quotes doubled. */
    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
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
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
