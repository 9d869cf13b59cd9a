package tw.tongbao.adapters.batchcsv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;
import tw.tongbao.core.routing.EntitlementPolicy;

class BatchCsvTransportTests {

    private static final Duration LONG = Duration.ofHours(1);
    private static final String CEC_HEADER = "deliveryId,eventType,receipt,submittedAt,subjectRef,subjectId,sequence,"
            + "effectiveDate,name,address.postalCode,address.city,address.district,address.village,"
            + "address.neighborhood,address.street,address.lane,address.alley,address.number,address.floor,"
            + "address.unit,dateOfDeath";

    @TempDir
    Path drop;

    private BatchCsvTransport transport;

    @BeforeEach
    void startTransport() {
        transport = started(drop);
    }

    @AfterEach
    void stopTransport() {
        transport.stop();
    }

    @Test
    void closesAFileWhenItHoldsBatchSizeRows() throws Exception {
        Agency cec = cec(3, LONG);
        List<OutboundDelivery> deliveries = List.of(
                deliveryOf(Changes.addressChange("CEC"), cec),
                deliveryOf(Changes.nameChange("CEC"), cec),
                deliveryOf(Changes.deathReport("CEC"), cec));

        List<AttemptResult> results = attemptAll(cec, deliveries);

        assertThat(results).allSatisfy(result -> {
            assertThat(result.answer()).isEqualTo(AgencyAnswer.DELIVERED);
            assertThat(result.httpStatus()).isNull();
        });
        Path file = onlyFile("CEC");
        assertThat(file.getFileName().toString()).matches("CEC-\\d{8}T\\d{6}-\\d{4}\\.csv");
        assertThat(results.get(0).responseExcerpt()).isEqualTo("in " + file.getFileName());
        List<String> lines = lines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo(CEC_HEADER);
        assertThat(lines).hasSize(4);
        for (int i = 0; i < deliveries.size(); i++) {
            assertThat(lines.get(i + 1))
                    .startsWith(deliveries.get(i).addressee().deliveryId() + ",");
        }
        assertThat(lines.get(1))
                .isEqualTo(deliveries.get(0).addressee().deliveryId()
                        + ",tw.tongbao.address.changed.v1,TB-7F3K9QXZ2MAB,2026-11-26T09:00:00Z,"
                        + deliveries.get(0).addressee().subjectRef()
                        + ",A123456789,3,2026-12-01,王小明,106,臺北市,大安區,,,羅斯福路四段,,,1號,5樓,,");
    }

    @Test
    void closesAFileWhenTheIntervalPasses() {
        Agency cec = cec(100, Duration.ofMillis(300));
        List<CompletableFuture<AttemptResult>> futures = Stream.of(
                        Changes.addressChange("CEC"), Changes.nameChange("CEC"))
                .map(change -> transport.attempt(cec, deliveryOf(change, cec)))
                .toList();

        await().atMost(Duration.ofSeconds(5)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));

        assertThat(futures).allSatisfy(f -> assertThat(f.join().answer()).isEqualTo(AgencyAnswer.DELIVERED));
        assertThat(lines(onlyFile("CEC"), StandardCharsets.UTF_8)).hasSize(3);
    }

    @Test
    void completesADeliveryOnlyOnceItsFileAndSidecarAreInPlace() throws Exception {
        Agency cec = cec(2, LONG);
        CompletableFuture<AttemptResult> first = transport.attempt(cec, deliveryOf(Changes.addressChange("CEC"), cec));
        CompletableFuture<Boolean> fileWasThere = first.thenApply(result -> Files.exists(
                drop.resolve("CEC").resolve(fileNameIn(result)).resolveSibling(fileNameIn(result) + ".sha256")));

        assertThat(first).isNotDone();
        assertThat(csvFiles("CEC")).isEmpty();

        transport.attempt(cec, deliveryOf(Changes.nameChange("CEC"), cec));

        assertThat(fileWasThere.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(first.join().answer()).isEqualTo(AgencyAnswer.DELIVERED);
    }

    @Test
    void writesTaiwanWaterFilesInBig5WithOnlyItsColumns() throws Exception {
        Agency twc = twc(2, LONG);
        OutboundDelivery address = deliveryOf(Changes.addressChange("TWC"), twc);
        OutboundDelivery name = deliveryOf(Changes.nameChange("TWC"), twc);

        attemptAll(twc, List.of(address, name));

        List<String> lines = lines(onlyFile("TWC"), Charset.forName("Big5"));
        assertThat(lines.get(0))
                .startsWith("deliveryId,eventType,receipt,submittedAt,subjectRef,sequence,effectiveDate,name,"
                        + "address.postalCode,address.city")
                .contains("previousAddress.city")
                .doesNotContain("subjectId", "phone", "romanizedName");
        assertThat(lines.get(1)).contains("臺北市,大安區", "羅斯福路四段", "300,新竹市,東區").doesNotContain("A123456789");
        assertThat(lines.get(2).split(",", -1)).hasSameSizeAs(lines.get(0).split(",", -1));
    }

    @Test
    void rejectsADeliveryBig5CannotEncode() throws Exception {
        Agency twc = twc(1, LONG);
        Map<String, Object> address = new LinkedHashMap<>(Changes.address());
        address.put("street", "吉𠮷路");
        ChangeFiled change =
                Changes.filed(ChangeType.ADDRESS_CHANGE, "A123456789", 3, Map.of("address", address), "TWC");

        AttemptResult result = transport.attempt(twc, deliveryOf(change, twc)).get(5, TimeUnit.SECONDS);

        assertThat(result.answer()).isEqualTo(AgencyAnswer.REJECTED);
        assertThat(result.error()).contains("address.street", "U+20BB7", "Big5");
        assertThat(csvFiles("TWC")).isEmpty();
    }

    @Test
    void writesASidecarThatVerifiesAndLeavesNoTemporaryFile() throws Exception {
        Agency cec = cec(1, LONG);

        attemptAll(cec, List.of(deliveryOf(Changes.addressChange("CEC"), cec)));

        Path file = onlyFile("CEC");
        String sidecar = Files.readString(DropFolder.sidecarOf(file), StandardCharsets.US_ASCII);
        String digest =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertThat(sidecar).isEqualTo(digest + "  " + file.getFileName() + "\n");
        assertThat(namesIn("CEC"))
                .containsExactlyInAnyOrder(file.getFileName().toString(), file.getFileName() + ".sha256");
    }

    @Test
    void removesLeftoverTemporaryFilesAtStart() throws Exception {
        transport.stop();
        Path cecFolder = Files.createDirectories(drop.resolve("CEC"));
        Files.writeString(cecFolder.resolve(".tmp-0f9e.csv"), "half a file");
        Files.writeString(cecFolder.resolve("CEC-20261126T090000-0001.csv"), "a finished file");

        transport = started(drop);

        assertThat(namesIn("CEC")).containsExactly("CEC-20261126T090000-0001.csv");
    }

    @Test
    void writesNoFileOfTheOpenBatchOnStopAndRefusesLaterDeliveries() throws Exception {
        Agency cec = cec(100, LONG);
        CompletableFuture<AttemptResult> pending =
                transport.attempt(cec, deliveryOf(Changes.addressChange("CEC"), cec));

        transport.stop();

        // The dispatchers stop settling before the transport stops: a file written now would be written again by the
        // next instance. Its rows fail transiently and wait, unsent, for the next instance.
        AttemptResult open = pending.get(5, TimeUnit.SECONDS);
        assertThat(open.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(open.error()).contains("stopped before");
        assertThat(csvFiles("CEC")).isEmpty();
        AttemptResult late = transport
                .attempt(cec, deliveryOf(Changes.nameChange("CEC"), cec))
                .get(5, TimeUnit.SECONDS);
        assertThat(late.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
    }

    @Test
    void writesEveryConcurrentDeliveryExactlyOnce() throws Exception {
        Agency cec = cec(10, LONG);
        List<OutboundDelivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            deliveries.add(deliveryOf(Changes.addressChange("CEC"), cec));
        }
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<AttemptResult>> futures = deliveries.stream()
                    .map(d -> CompletableFuture.supplyAsync(() -> transport.attempt(cec, d), callers)
                            .thenCompose(f -> f))
                    .toList();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(futures).allSatisfy(f -> assertThat(f.join().answer()).isEqualTo(AgencyAnswer.DELIVERED));
        } finally {
            callers.shutdown();
        }

        List<Path> files = csvFiles("CEC");
        assertThat(files).hasSize(5);
        List<String> ids = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = lines(file, StandardCharsets.UTF_8);
            assertThat(lines).hasSize(11).first().isEqualTo(CEC_HEADER);
            lines.stream()
                    .skip(1)
                    .map(line -> line.substring(0, line.indexOf(',')))
                    .forEach(ids::add);
        }
        assertThat(ids)
                .containsExactlyInAnyOrderElementsOf(deliveries.stream()
                        .map(d -> d.addressee().deliveryId().toString())
                        .toList());
    }

    @Test
    void failsTheBatchTransientlyWhenTheFileCannotBeWritten() throws Exception {
        Files.writeString(drop.resolve("CEC"), "a file where the folder should be");
        Agency cec = cec(1, LONG);

        AttemptResult result = transport
                .attempt(cec, deliveryOf(Changes.addressChange("CEC"), cec))
                .get(5, TimeUnit.SECONDS);

        assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(result.error()).startsWith("could not write batch file");
    }

    private static BatchCsvTransport started(Path dropDirectory) {
        BatchCsvTransport started = new BatchCsvTransport(new BatchCsvProperties(dropDirectory));
        started.removeLeftovers();
        started.start();
        return started;
    }

    private List<AttemptResult> attemptAll(Agency agency, List<OutboundDelivery> deliveries) throws Exception {
        List<CompletableFuture<AttemptResult>> futures =
                deliveries.stream().map(d -> transport.attempt(agency, d)).toList();
        List<AttemptResult> results = new ArrayList<>();
        for (CompletableFuture<AttemptResult> future : futures) {
            results.add(future.get(5, TimeUnit.SECONDS));
        }
        return results;
    }

    private Path onlyFile(String agency) {
        List<Path> files = csvFiles(agency);
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    private List<Path> csvFiles(String agency) {
        return namesIn(agency).stream()
                .filter(name -> name.endsWith(".csv") && !name.startsWith("."))
                .sorted()
                .map(name -> drop.resolve(agency).resolve(name))
                .toList();
    }

    private List<String> namesIn(String agency) {
        Path folder = drop.resolve(agency);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fileNameIn(AttemptResult result) {
        return result.responseExcerpt().substring("in ".length());
    }

    /** Decodes strictly, so a '?' written for an unmappable character would fail here rather than pass. */
    private static List<String> lines(Path file, Charset charset) {
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
            assertThat(text).endsWith("\r\n");
            return List.of(text.split("\r\n"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OutboundDelivery deliveryOf(ChangeFiled change, Agency agency) {
        Addressee addressee = change.addresseeFor(agency.code().value()).orElseThrow();
        return new OutboundDelivery(change, addressee, EntitlementPolicy.dataFor(change, addressee, agency));
    }

    private static Agency cec(int batchSize, Duration interval) {
        return agency(
                "CEC",
                Basis.LAW,
                Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.DEATH_REPORT),
                Set.of("subjectId", "name", "address", "dateOfDeath"),
                "UTF-8",
                batchSize,
                interval);
    }

    private static Agency twc(int batchSize, Duration interval) {
        return agency(
                "TWC",
                Basis.CONSENT,
                Set.of(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE),
                Set.of("name", "address", "previousAddress"),
                "Big5",
                batchSize,
                interval);
    }

    private static Agency agency(
            String code,
            Basis basis,
            Set<ChangeType> types,
            Set<String> fields,
            String charset,
            int batchSize,
            Duration interval) {
        return new Agency(
                new AgencyCode(code),
                Map.of("zh-TW", code),
                Protocol.BATCH_CSV,
                null,
                null,
                null,
                basis,
                "test",
                types,
                fields,
                0,
                0,
                null,
                null,
                charset,
                batchSize,
                interval);
    }
}
