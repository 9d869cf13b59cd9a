package tw.tongbao.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReported;

@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms"
        })
@DirtiesContext
class BatchCsvEngineIntegrationTests {

    @TempDir
    static Path drop;

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
        registry.add("tongbao.adapters.batch-csv.drop-directory", () -> drop.toString());
    }

    @Autowired
    RabbitTemplate rabbit;

    @Test
    void sevenDeliveriesBecomeThreeFilesOfThreeThreeAndOneEachRowOnce() throws Exception {
        ReportsProbe reports = new ReportsProbe(rabbit);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ChangeFiled change = Filed.addressChange("batch-" + i, 1, "BATCH");
            ids.add(Filed.deliveryId(change, "BATCH"));
            rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
                message.getMessageProperties().setHeader(Topology.addressedHeader("BATCH"), Topology.ADDRESSED);
                return message;
            });
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> ids.stream()
                        .allMatch(
                                id -> reports.find(id, DeliveryStatus.DELIVERED).isPresent()));

        List<Path> files = csvFiles();
        assertThat(files).hasSize(3);
        List<Integer> sizes = new ArrayList<>();
        List<String> rowIds = new ArrayList<>();
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            Path sidecar = file.resolveSibling(file.getFileName() + ".sha256");
            assertThat(sidecar).exists();
            assertThat(Files.readString(sidecar, StandardCharsets.US_ASCII))
                    .startsWith(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
            List<String> lines = List.of(new String(content, StandardCharsets.UTF_8).split("\r\n"));
            assertThat(lines.get(0)).startsWith("deliveryId,");
            List<String> rows = lines.subList(1, lines.size());
            sizes.add(rows.size());
            rows.forEach(row -> rowIds.add(row.substring(0, row.indexOf(','))));
        }
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(rowIds)
                .containsExactlyInAnyOrderElementsOf(
                        ids.stream().map(UUID::toString).toList());
        for (UUID id : ids) {
            List<DeliveryReported> all = reports.of(id);
            assertThat(all).extracting(DeliveryReported::status).containsExactly(DeliveryStatus.DELIVERED);
            assertThat(all.get(0).attempts()).isEqualTo(1);
        }
    }

    private static List<Path> csvFiles() throws IOException {
        try (Stream<Path> files = Files.list(drop.resolve("BATCH"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".csv"))
                    .sorted()
                    .toList();
        }
    }
}
