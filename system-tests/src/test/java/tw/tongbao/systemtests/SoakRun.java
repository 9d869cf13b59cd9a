package tw.tongbao.systemtests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tw.tongbao.systemtests.support.DeliveryLedger;
import tw.tongbao.systemtests.support.Load;
import tw.tongbao.systemtests.support.TongbaoSystem;

/**
 * The soak: thousands of changes across many subjects while the broker restarts, the adapters or the gateway are
 * killed and agencies fail, at random; then the figures. Filings the faults leave unanswered are sent again with the
 * same Idempotency-Key, as a citizen's app would. Not part of CI — run it with {@code ./tongbao soak [changes]}.
 */
class SoakRun {

    private static final int CHANGES = Integer.getInteger("soak.changes", 10_000);
    private static final int PER_SECOND = Integer.getInteger("soak.rate", 60);
    private static final int SUBJECTS = Integer.getInteger("soak.subjects", 2_000);
    private static final boolean RESTART_BROKER =
            Boolean.parseBoolean(System.getProperty("soak.restart-broker", "true"));

    @Test
    void soak() throws Exception {
        try (TongbaoSystem tongbao = TongbaoSystem.withAgencies("NTA", "NHIA", "TPC")
                .named("soak")
                .retrySchedule("0s", "500ms", "1s", "2s", "5s", "10s", "10s", "20s", "30s", "60s")
                .registry(registry -> registry.setAll("timeout", "3s"))
                .adaptersArgument("--tongbao.adapters.lease-duration=3s")
                .start()) {
            Map<String, WireMockServer> agencies =
                    Map.of("NTA", tongbao.agency("NTA"), "NHIA", tongbao.agency("NHIA"), "TPC", tongbao.agency("TPC"));
            Load load = Load.over(tongbao, SUBJECTS).retryingUnanswered(Duration.ofMinutes(2));
            Instant started = Instant.now();
            CompletableFuture<DeliveryLedger> run = load.start(CHANGES, PER_SECOND);
            AtomicBoolean loading = new AtomicBoolean(true);
            run.whenComplete((ledger, failure) -> loading.set(false));
            int faults = chaos(tongbao, agencies, load, loading);
            DeliveryLedger ledger = run.join();
            say("load done: " + load.attempted() + " filed, " + ledger.acceptedCount() + " accepted, " + faults
                    + " faults injected, in "
                    + Duration.between(started, Instant.now()).toSeconds() + " s");

            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofSeconds(5))
                    .conditionEvaluationListener(condition -> say("settling: " + condition.getValue() + " open"))
                    .until(() -> ledger.open(tongbao.gatewayDatabase()), open -> open == 0);
            DeliveryLedger.Verdict verdict = ledger.verdict(tongbao.gatewayDatabase(), agencies);
            say("=== Tongbao soak: " + CHANGES + " changes over " + SUBJECTS + " subjects at " + PER_SECOND + "/s, "
                    + faults + " faults, "
                    + Duration.between(started, Instant.now()).toSeconds() + " s ===");
            say("filings refused:   " + load.refused());
            say("filings resent:    " + load.retried() + " (unanswered at first, same Idempotency-Key)");
            verdict.summary().lines().forEach(SoakRun::say);
            verdict.lost().stream().limit(20).forEach(line -> say("  lost: " + line));
            verdict.duplicateEffects().stream().limit(20).forEach(line -> say("  duplicate: " + line));
            verdict.reorderings().stream().limit(20).forEach(line -> say("  reordered: " + line));
            int stored = load.changesStored(tongbao.gatewayDatabase());
            say("changes stored:    " + stored);
            assertThat(load.refused()).as("filings refused").isZero();
            assertThat(stored).as("changes stored, each once").isEqualTo(ledger.acceptedCount());
            assertThat(verdict.lost()).isEmpty();
            assertThat(verdict.duplicateEffects()).isEmpty();
            assertThat(verdict.reorderings()).isEmpty();
        }
    }

    /** Injects a random fault every 8–20 s while the load runs; returns how many. */
    private static int chaos(
            TongbaoSystem tongbao, Map<String, WireMockServer> agencies, Load load, AtomicBoolean loading)
            throws Exception {
        Random random = new Random();
        List<String> codes = List.copyOf(agencies.keySet());
        int faults = 0;
        while (loading.get()) {
            if (!waitWhileLoading(loading, 8 + random.nextInt(12))) {
                break;
            }
            faults++;
            switch (random.nextInt(4)) {
                case 0 -> {
                    say("fault " + faults + ": " + (RESTART_BROKER ? "restarting RabbitMQ" : "cutting broker links")
                            + " at " + load.attempted() + " filed");
                    if (RESTART_BROKER) {
                        rabbitmqctl("stop_app");
                        waitWhileLoading(loading, 3);
                        rabbitmqctl("start_app");
                    } else {
                        tongbao.gatewayBroker().cut();
                        tongbao.adaptersBroker().cut();
                        waitWhileLoading(loading, 3);
                        tongbao.gatewayBroker().restore();
                        tongbao.adaptersBroker().restore();
                    }
                }
                case 1 -> {
                    say("fault " + faults + ": kill -9 adapters at " + load.attempted() + " filed");
                    tongbao.adapters().kill();
                    tongbao.adapters().start();
                }
                case 2 -> {
                    say("fault " + faults + ": kill -9 gateway at " + load.attempted() + " filed");
                    tongbao.gateway().kill();
                    tongbao.gateway().start();
                }
                default -> {
                    String code = codes.get(random.nextInt(codes.size()));
                    say("fault " + faults + ": " + code + " answers 503 for 5 s at " + load.attempted() + " filed");
                    WireMockServer agency = agencies.get(code);
                    StubMapping failing = agency.stubFor(post(urlEqualTo("/notifications"))
                            .willReturn(aResponse().withStatus(503)));
                    waitWhileLoading(loading, 5);
                    agency.removeStub(failing);
                }
            }
        }
        return faults;
    }

    /** Waits up to that many seconds, returning early (false) once the load is done. */
    private static boolean waitWhileLoading(AtomicBoolean loading, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 10; i++) {
            if (!loading.get()) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return true;
    }

    private static void rabbitmqctl(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("rabbitmqctl", command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + command + " failed");
        }
    }

    private static void say(String line) {
        System.out.println("[soak] " + line);
    }
}
