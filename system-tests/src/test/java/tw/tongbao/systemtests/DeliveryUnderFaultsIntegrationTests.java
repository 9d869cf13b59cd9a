package tw.tongbao.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.Citizen;
import tw.tongbao.systemtests.support.DeliveryLedger;
import tw.tongbao.systemtests.support.Load;
import tw.tongbao.systemtests.support.NationalIds;
import tw.tongbao.systemtests.support.TongbaoSystem;

/**
 * Nothing lost, nothing twice in effect, nothing out of order — while the broker connections drop, the adapters
 * are killed with SIGKILL, the gateway is killed or stopped with filings in flight, and the gateway dies between
 * committing a change and publishing it.
 */
class DeliveryUnderFaultsIntegrationTests {

    private static final int CHANGES = 150;
    private static final int PER_SECOND = 50;

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("NTA", "NHIA", "TPC")
                .named("faults")
                .retrySchedule("0s", "200ms", "500ms", "1s", "2s", "2s", "3s", "3s", "5s", "5s")
                .registry(registry -> registry.setAll("timeout", "2s"))
                .adaptersArgument("--tongbao.adapters.lease-duration=2s")
                .start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @Test
    void brokerConnectionsCutMidLoadLoseNothing() {
        Load load = Load.over(tongbao, 25);
        CompletableFuture<DeliveryLedger> run = load.start(CHANGES, PER_SECOND);

        await().atMost(Duration.ofSeconds(30)).until(() -> load.attempted() >= CHANGES / 3);
        tongbao.gatewayBroker().cut();
        tongbao.adaptersBroker().cut();
        // The outage lasts while a third of the load is filed.
        await().atMost(Duration.ofSeconds(30)).until(() -> load.attempted() >= 2 * CHANGES / 3);
        tongbao.gatewayBroker().restore();
        tongbao.adaptersBroker().restore();

        assertNothingLostTwiceOrReordered(load, run.join());
    }

    @Test
    void adaptersKilledMidLoadAndRestartedLoseNothing() {
        Load load = Load.over(tongbao, 25);
        CompletableFuture<DeliveryLedger> run = load.start(CHANGES, PER_SECOND);

        await().atMost(Duration.ofSeconds(30)).until(() -> load.attempted() >= CHANGES / 3);
        tongbao.adapters().kill();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.attempted() >= 2 * CHANGES / 3);
        tongbao.adapters().start();

        assertNothingLostTwiceOrReordered(load, run.join());
    }

    /** How the gateway goes down mid-load: killed, or stopped gracefully (filings in flight are answered first). */
    enum GatewayDown {
        SIGKILL,
        SIGTERM
    }

    @ParameterizedTest
    @EnumSource(GatewayDown.class)
    void gatewayGoingDownMidLoadLosesNoAcceptedChangeAndFilesNoneTwice(GatewayDown how) {
        Load load = Load.over(tongbao, 25).retryingUnanswered(Duration.ofSeconds(90));
        CompletableFuture<DeliveryLedger> run = load.start(CHANGES, PER_SECOND);

        await().atMost(Duration.ofSeconds(30)).until(() -> load.attempted() >= CHANGES / 3);
        // Filings that get no answer (killed in flight, committed or not; or sent while it is down) are sent again.
        if (how == GatewayDown.SIGKILL) {
            tongbao.gateway().kill();
        } else {
            tongbao.gateway().stop();
        }
        tongbao.gateway().start();
        DeliveryLedger ledger = run.join();

        System.out.println("filings sent again after " + how + ": " + load.retried());
        assertThat(load.retried())
                .as("filings sent again while the gateway was down")
                .isPositive();
        assertNothingLostTwiceOrReordered(load, ledger);
        assertThat(load.changesStored(tongbao.gatewayDatabase()))
                .as("changes in the gateway's database: each once, none its client does not know of")
                .isEqualTo(CHANGES);
    }

    @Test
    void gatewayKilledBetweenCommitAndPublishPublishesAfterRestart() throws SQLException {
        String subject = NationalIds.random();
        Citizen citizen = tongbao.citizen(subject, "陳小華");
        DeliveryLedger ledger = new DeliveryLedger();
        tongbao.gatewayBroker().cut();
        for (int i = 1; i <= 10; i++) {
            ledger.accepted(citizen.fileAccepted(
                    ChangeRequests.addressChangeAt(subject, i + "號"),
                    UUID.randomUUID().toString()));
        }
        assertThat(unpublishedOutboxRows()).isEqualTo(10);

        tongbao.gateway().kill();
        tongbao.gatewayBroker().restore();
        tongbao.gateway().start();

        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.open(tongbao.gatewayDatabase()) == 0);
        DeliveryLedger.Verdict verdict = ledger.verdict(tongbao.gatewayDatabase(), agencies());
        assertThat(verdict.lost()).isEmpty();
        assertThat(verdict.duplicateEffects()).isEmpty();
        assertThat(verdict.reorderings()).isEmpty();
        assertThat(verdict.deliveries()).isEqualTo(20);
        assertThat(unpublishedOutboxRows()).isZero();
    }

    private static void assertNothingLostTwiceOrReordered(Load load, DeliveryLedger ledger) {
        assertThat(load.refused()).as("filings the gateway refused").isZero();
        assertThat(ledger.acceptedCount()).isEqualTo(CHANGES);
        await().atMost(Duration.ofSeconds(120)).until(() -> ledger.open(tongbao.gatewayDatabase()) == 0);
        DeliveryLedger.Verdict verdict = ledger.verdict(tongbao.gatewayDatabase(), agencies());
        System.out.println(verdict.summary());
        assertThat(verdict.lost()).isEmpty();
        assertThat(verdict.duplicateEffects()).isEmpty();
        assertThat(verdict.reorderings()).isEmpty();
        assertThat(verdict.delivered() + verdict.superseded()).isEqualTo(verdict.deliveries());
    }

    private static Map<String, WireMockServer> agencies() {
        return Map.of("NTA", tongbao.agency("NTA"), "NHIA", tongbao.agency("NHIA"), "TPC", tongbao.agency("TPC"));
    }

    private static int unpublishedOutboxRows() throws SQLException {
        try (Connection connection = tongbao.gatewayDatabase().connect();
                ResultSet rows = connection
                        .createStatement()
                        .executeQuery("select count(*) from outbox where published_at is null")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
