package tw.tongbao.simulator.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.simulator.stats.AgencyCounters;

/**
 * One batch-csv agency's drop folder: a {@code .csv} is taken once its {@code .sha256} sidecar is there; verified
 * files move to {@code processed/}, files whose checksum or encoding fails to {@code rejected/}.
 *
 * @param code the agency
 * @param folder {@code {drop-directory}/{CODE}}
 * @param charset the agency's file charset (UTF-8 or Big5)
 * @param counters where rows and files are counted
 */
record BatchInbox(AgencyCode code, Path folder, String charset, AgencyCounters counters) {

    private static final Logger log = LoggerFactory.getLogger(BatchInbox.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** Takes one {@code .csv} if its sidecar is complete; otherwise leaves it for the next poll. */
    void take(Path csv) {
        Optional<Path> sidecar = sidecarOf(csv);
        if (sidecar.isEmpty()) {
            return;
        }
        Optional<String> expected = expectedHash(sidecar.get());
        if (expected.isEmpty()) {
            return; // still being written
        }
        byte[] bytes = read(csv);
        String actual = HexFormat.of().formatHex(sha256(bytes));
        if (!actual.equalsIgnoreCase(expected.get())) {
            counters.badFile();
            log.warn("{} rejected batch file {}: sha256 does not match its sidecar", code, csv.getFileName());
            moveTo("rejected", csv, sidecar.get());
            return;
        }
        List<List<String>> records;
        try {
            records = CsvRecords.parse(decode(bytes));
        } catch (CharacterCodingException e) {
            counters.badFile();
            log.warn("{} rejected batch file {}: not valid {}", code, csv.getFileName(), charset);
            moveTo("rejected", csv, sidecar.get());
            return;
        } catch (CsvRecords.MalformedCsv e) {
            counters.badFile();
            log.warn("{} rejected batch file {}: {}", code, csv.getFileName(), e.getMessage());
            moveTo("rejected", csv, sidecar.get());
            return;
        }
        counters.file();
        List<List<String>> rows = records.isEmpty() ? List.of() : records.subList(1, records.size());
        long duplicates = rows.stream()
                .filter(row -> counters.acceptAndCheckDuplicate(row.get(0)))
                .count();
        log.info(
                "{} took batch file {}: {} rows ({} duplicates), {}, sha256 verified",
                code,
                csv.getFileName(),
                rows.size(),
                duplicates,
                charset);
        moveTo("processed", csv, sidecar.get());
    }

    /** {@code name.csv.sha256}, or else {@code name.sha256}. */
    private static Optional<Path> sidecarOf(Path csv) {
        String name = csv.getFileName().toString();
        Path appended = csv.resolveSibling(name + ".sha256");
        if (Files.isRegularFile(appended)) {
            return Optional.of(appended);
        }
        Path replaced = csv.resolveSibling(name.substring(0, name.length() - ".csv".length()) + ".sha256");
        return Files.isRegularFile(replaced) ? Optional.of(replaced) : Optional.empty();
    }

    /** The hex digest at the start of the sidecar ({@code sha256sum} format or the bare digest). */
    private static Optional<String> expectedHash(Path sidecar) {
        String content = new String(read(sidecar), java.nio.charset.StandardCharsets.US_ASCII).trim();
        String first = content.split("\\s+", 2)[0];
        return SHA256_HEX.matcher(first).matches() ? Optional.of(first.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    private String decode(byte[] bytes) throws CharacterCodingException {
        return Charset.forName(charset)
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private void moveTo(String subfolder, Path... files) {
        try {
            Path target = Files.createDirectories(folder.resolve(subfolder));
            for (Path file : files) {
                Files.move(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move batch file to " + subfolder, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
