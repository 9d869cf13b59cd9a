package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tw.tongbao.adapters.resilience.AgencyControl;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.control.AgencyCommand;
import tw.tongbao.core.control.DeliveryCommand;
import tw.tongbao.core.control.ReplayCommand;
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
class OperatorControlIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AgencyControl control;

    ReportsProbe reports;

    @BeforeAll
    static void agencies() {
        var agencies = AdapterTestEnvironment.AGENCIES;
        for (String code : List.of("PAUSED", "REPLAY", "HOLD")) {
            agencies.stubFor(post(path(code)).willReturn(aResponse().withStatus(202)));
        }
        agencies.stubFor(post(path("PARK")).willReturn(aResponse().withStatus(503)));
        agencies.stubFor(
                post(path("CANCEL")).willReturn(aResponse().withStatus(503).withFixedDelay(1500)));
    }

    @BeforeEach
    void probe() {
        reports = new ReportsProbe(rabbit);
    }

    @Test
    void pausedAgencyIsSentNothingAndSpendsNoAttemptsUntilResumed() {
        send(Topology.AGENCY_COMMAND_ROUTING_KEY, agencyCommand("PAUSED", AgencyCommand.Action.PAUSE));
        await().atMost(WAIT).until(() -> control.state("PAUSED").paused());
        ChangeFiled change = Filed.addressChange("paused", 1, "PAUSED");
        UUID id = Filed.deliveryId(change, "PAUSED");

        publish(change, "PAUSED");

        await().atMost(WAIT).until(() -> status(id).isPresent());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> requests("PAUSED", id) == 0);
        assertThat(attempts(id)).isZero();
        assertThat(status(id)).contains("PENDING");

        send(Topology.AGENCY_COMMAND_ROUTING_KEY, agencyCommand("PAUSED", AgencyCommand.Action.RESUME));

        DeliveryReported delivered = awaitReport(id, DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(1);
        assertThat(requests("PAUSED", id)).isEqualTo(1);
    }

    @Test
    void parkedDeliveryIsRetriedWithAFreshBudgetAndDelivered() {
        ChangeFiled change = Filed.addressChange("parked", 1, "PARK");
        UUID id = Filed.deliveryId(change, "PARK");
        publish(change, "PARK");
        DeliveryReported parked = awaitReport(id, DeliveryStatus.PARKED);
        assertThat(parked.attempts()).isEqualTo(2);
        assertThat(awaitAlert("PARK", AgencyAlert.Kind.DELIVERY_PARKED, id.toString()))
                .isPresent();

        AdapterTestEnvironment.AGENCIES.stubFor(post(path("PARK"))
                .atPriority(1)
                .inScenario("retried")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("second"));
        AdapterTestEnvironment.AGENCIES.stubFor(post(path("PARK"))
                .atPriority(1)
                .inScenario("retried")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(200)));
        send(
                Topology.DELIVERY_COMMAND_ROUTING_KEY,
                new DeliveryCommand(
                        id, "PARK", DeliveryCommand.Action.RETRY, "op-1", "agency fixed", UUID.randomUUID()));

        // One more failure is within the fresh budget (two tries), so the retried delivery is not parked again.
        DeliveryReported delivered = awaitReport(id, DeliveryStatus.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(4);
        assertThat(reports.of(id))
                .extracting(DeliveryReported::status)
                .containsExactly(
                        DeliveryStatus.RETRYING,
                        DeliveryStatus.PARKED,
                        DeliveryStatus.PENDING,
                        DeliveryStatus.RETRYING,
                        DeliveryStatus.DELIVERED);
        assertThat(reports.find(id, DeliveryStatus.PENDING).orElseThrow().reason())
                .contains("op-1")
                .contains("agency fixed");
        assertThat(requests("PARK", id)).isEqualTo(4);
    }

    @Test
    void waitingDeliveryIsCancelledAndNeverSent() {
        send(Topology.AGENCY_COMMAND_ROUTING_KEY, agencyCommand("HOLD", AgencyCommand.Action.PAUSE));
        await().atMost(WAIT).until(() -> control.state("HOLD").paused());
        ChangeFiled change = Filed.addressChange("held", 1, "HOLD");
        UUID id = Filed.deliveryId(change, "HOLD");
        publish(change, "HOLD");
        await().atMost(WAIT).until(() -> status(id).isPresent());

        send(
                Topology.DELIVERY_COMMAND_ROUTING_KEY,
                new DeliveryCommand(
                        id, "HOLD", DeliveryCommand.Action.CANCEL, "op-2", "filed by mistake", UUID.randomUUID()));
        DeliveryReported cancelled = awaitReport(id, DeliveryStatus.CANCELLED);
        send(Topology.AGENCY_COMMAND_ROUTING_KEY, agencyCommand("HOLD", AgencyCommand.Action.RESUME));

        assertThat(cancelled.reason()).contains("filed by mistake").contains("op-2");
        assertThat(cancelled.attempts()).isZero();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> requests("HOLD", id) == 0);
    }

    @Test
    void inFlightDeliveryIsCancelledWhenItsTrySettles() {
        ChangeFiled change = Filed.addressChange("in-flight", 1, "CANCEL");
        UUID id = Filed.deliveryId(change, "CANCEL");
        publish(change, "CANCEL");
        await().atMost(WAIT).until(() -> requests("CANCEL", id) == 1);

        send(
                Topology.DELIVERY_COMMAND_ROUTING_KEY,
                new DeliveryCommand(
                        id, "CANCEL", DeliveryCommand.Action.CANCEL, "op-3", "duplicate", UUID.randomUUID()));

        DeliveryReported cancelled = awaitReport(id, DeliveryStatus.CANCELLED);
        assertThat(cancelled.attempts()).isEqualTo(1);
        assertThat(cancelled.attempt()).isNotNull();
        assertThat(cancelled.reason()).contains("duplicate");
        assertThat(reports.of(id)).extracting(DeliveryReported::status).containsExactly(DeliveryStatus.CANCELLED);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> requests("CANCEL", id) == 1);
    }

    @Test
    void replaySendsTheWindowsDeliveriesAgainWithTheSameWebhookIdOnce() {
        ChangeFiled first = Filed.addressChange("replay-a", 1, "REPLAY");
        ChangeFiled second = Filed.addressChange("replay-b", 1, "REPLAY");
        Instant since = Instant.now().minusSeconds(1);
        publish(first, "REPLAY");
        publish(second, "REPLAY");
        UUID a = Filed.deliveryId(first, "REPLAY");
        UUID b = Filed.deliveryId(second, "REPLAY");
        awaitReport(a, DeliveryStatus.DELIVERED);
        awaitReport(b, DeliveryStatus.DELIVERED);
        Instant until = Instant.now().plusMillis(1);
        await().atMost(WAIT).until(() -> Instant.now().isAfter(until));
        ChangeFiled later = Filed.addressChange("replay-c", 1, "REPLAY");
        UUID c = Filed.deliveryId(later, "REPLAY");
        publish(later, "REPLAY");
        awaitReport(c, DeliveryStatus.DELIVERED);

        ReplayCommand replay = new ReplayCommand("REPLAY", since, until, "op-4", "agency lost data", UUID.randomUUID());
        send(Topology.REPLAY_COMMAND_ROUTING_KEY, replay);
        send(Topology.REPLAY_COMMAND_ROUTING_KEY, replay);

        await().atMost(WAIT).until(() -> deliveredCount(a) == 2 && deliveredCount(b) == 2);
        assertThat(reports.find(a, DeliveryStatus.PENDING).orElseThrow().reason())
                .contains("agency lost data");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> requests("REPLAY", a) == 2 && requests("REPLAY", b) == 2 && requests("REPLAY", c) == 1);
        assertThat(reports.find(a, DeliveryStatus.DELIVERED).orElseThrow().revision())
                .isEqualTo(3);
        assertThat(jdbc.sql("SELECT count(*) FROM applied_command WHERE command_id = :id")
                        .param("id", replay.commandId())
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    private long deliveredCount(UUID id) {
        return reports.of(id).stream()
                .filter(r -> r.status() == DeliveryStatus.DELIVERED)
                .count();
    }

    private static AgencyCommand agencyCommand(String agency, AgencyCommand.Action action) {
        return new AgencyCommand(agency, action, "op-0", "test", Instant.now(), UUID.randomUUID());
    }

    private void send(String routingKey, Object command) {
        rabbit.convertAndSend(Topology.CONTROL_EXCHANGE, routingKey, command);
    }

    private void publish(ChangeFiled change, String agency) {
        rabbit.convertAndSend(Topology.CHANGES_EXCHANGE, "", change, message -> {
            message.getMessageProperties().setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
            return message;
        });
    }

    private DeliveryReported awaitReport(UUID deliveryId, DeliveryStatus status) {
        return await().atMost(WAIT)
                .until(() -> reports.find(deliveryId, status), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<AgencyAlert> awaitAlert(String agency, AgencyAlert.Kind kind, String detailPart) {
        List<AgencyAlert> seen = new java.util.ArrayList<>();
        return await().atMost(WAIT)
                .until(
                        () -> {
                            Object received;
                            while ((received = rabbit.receiveAndConvert(Topology.ALERTS_QUEUE)) != null) {
                                seen.add((AgencyAlert) received);
                            }
                            return seen.stream()
                                    .filter(alert -> alert.agency().equals(agency)
                                            && alert.kind() == kind
                                            && alert.detail().contains(detailPart))
                                    .findFirst();
                        },
                        Optional::isPresent);
    }

    private static long requests(String agency, UUID deliveryId) {
        return AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(path(agency))).stream()
                .filter(request -> deliveryId.toString().equals(request.getHeader("webhook-id")))
                .count();
    }

    private Optional<String> status(UUID deliveryId) {
        return jdbc.sql("SELECT status FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query(String.class)
                .optional();
    }

    private int attempts(UUID deliveryId) {
        return jdbc.sql("SELECT attempts FROM adapter_delivery WHERE delivery_id = :id")
                .param("id", deliveryId)
                .query(Integer.class)
                .single();
    }

    private static com.github.tomakehurst.wiremock.matching.UrlPattern path(String agency) {
        return urlEqualTo("/agencies/" + agency);
    }
}
