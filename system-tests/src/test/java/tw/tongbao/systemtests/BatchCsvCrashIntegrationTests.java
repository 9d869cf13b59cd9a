package tw.tongbao.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tw.tongbao.systemtests.support.BatchFiles;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.Citizen;
import tw.tongbao.systemtests.support.NationalIds;
import tw.tongbao.systemtests.support.TongbaoSystem;

/**
 * The adapters killed with SIGKILL, or stopped with SIGTERM, while a batch file is open: afterwards every row is in
 * exactly one closed file.
 */
class BatchCsvCrashIntegrationTests {

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("CEC")
                .named("batch-crash")
                .registry(registry -> {
                    registry.set("CEC", "batchSize", 1000);
                    registry.set("CEC", "batchInterval", "6s");
                    registry.set("CEC", "timeout", "2s");
                })
                .adaptersArgument("--tongbao.adapters.lease-duration=2s")
                .start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @Test
    void killedMidBatchLeavesEveryDeliveryInExactlyOneClosedFile() throws SQLException {
        interruptedMidBatch(() -> tongbao.adapters().kill());
    }

    @Test
    void stoppedMidBatchLeavesEveryDeliveryInExactlyOneClosedFile() throws SQLException {
        interruptedMidBatch(() -> tongbao.adapters().stop());
    }

    private void interruptedMidBatch(Runnable interrupt) throws SQLException {
        List<String> receipts = new ArrayList<>();
        List<Citizen> citizens = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String subject = NationalIds.random();
            Citizen citizen = tongbao.citizen(subject, "選民" + i);
            citizens.add(citizen);
            receipts.add(citizen.fileAccepted(
                    ChangeRequests.addressChange(subject), UUID.randomUUID().toString()));
        }
        // Mid-batch: every row claimed by the open batch, none of its file in place yet.
        await().atMost(Duration.ofSeconds(20)).until(() -> leasedDeliveries() == receipts.size());
        assertThat(rowsOf(receipts)).isEmpty();

        interrupt.run();
        tongbao.adapters().start();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < receipts.size(); i++) {
                assertThat(citizens.get(i).deliveryStatus(receipts.get(i), "CEC"))
                        .isEqualTo("DELIVERED");
            }
        });
        List<BatchFiles.Row> rows = rowsOf(receipts);
        Map<String, Long> filesPerDelivery =
                rows.stream().collect(Collectors.groupingBy(BatchFiles.Row::deliveryId, Collectors.counting()));
        assertThat(filesPerDelivery)
                .hasSize(receipts.size())
                .allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(rows.stream().map(BatchFiles.Row::receipt).toList()).containsExactlyInAnyOrderElementsOf(receipts);
        assertThat(BatchFiles.temporary(tongbao.dropDirectory().resolve("CEC"))).isEmpty();
    }

    /** The rows of these receipts in the agency's files (the two tests share one drop folder). */
    private static List<BatchFiles.Row> rowsOf(List<String> receipts) {
        return BatchFiles.rows(tongbao.dropDirectory().resolve("CEC"), StandardCharsets.UTF_8).stream()
                .filter(row -> receipts.contains(row.receipt()))
                .toList();
    }

    private static int leasedDeliveries() throws SQLException {
        try (Connection connection = tongbao.adaptersDatabase().connect();
                ResultSet rows = connection
                        .createStatement()
                        .executeQuery("select count(*) from adapter_delivery where lease_until is not null"
                                + " and status = 'PENDING'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
