package tw.tongbao.adapters.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import tw.tongbao.adapters.transport.EngineDatabase;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.AttemptRecord;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/**
 * Reports and alerts go through the outbox as JSON written once: what the relay sends is the stored text (reports
 * wrapped, many to a message, in a batch), and the gateway's converter reads it back into the very reports that were
 * queued, as does a converter that goes by the type id header alone.
 */
class ReportOutboxIntegrationTests {

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("outbox");

    /**
     * The gateway's converter: Jackson 3, "trusting" {@code tw.tongbao.core.*}. Spring AMQP matches trusted packages
     * exactly, so it trusts no type id header; its listeners read by their parameter's type, as {@link #asGateway} does.
     */
    private final JacksonJsonMessageConverter gateway = new JacksonJsonMessageConverter(db.json, "tw.tongbao.core.*");

    /** A converter that reads by the type id header (the adapters' own, as the tests' reports probe uses it). */
    private final JacksonJsonMessageConverter byHeader =
            new JacksonJsonMessageConverter(db.json, "tw.tongbao.core.report", "tw.tongbao.core.control");

    @Test
    void relaySendsTheStoredJsonWhichTheGatewayReadsBackAsTheQueuedReports() {
        DeliveryReported retrying = report(DeliveryStatus.RETRYING, 1);
        DeliveryReported delivered = report(DeliveryStatus.DELIVERED, 2);
        db.transactions.executeWithoutResult(tx -> db.reports.appendAll(List.of(retrying, delivered)));

        List<ReportOutbox.Pending> pending = new ReportOutbox(db.jdbc, db.json).oldest(10);

        assertThat(pending).hasSize(2);
        assertThat(pending.get(0).exchange()).isEqualTo(Topology.REPORTS_EXCHANGE);
        assertThat(pending.get(0).routingKey()).isEqualTo(Topology.REPORTS_ROUTING_KEY);
        assertThat(pending.get(0).description())
                .contains(retrying.deliveryId().toString())
                .contains("revision 1");
        Message sent = ReportMessages.pack(pending, 100, 1 << 20).get(0).message();
        assertThat(asGateway(sent, DeliveryReportBatch.class))
                .isEqualTo(new DeliveryReportBatch(List.of(retrying, delivered)));
        assertThat(byHeader.fromMessage(sent)).isEqualTo(new DeliveryReportBatch(List.of(retrying, delivered)));
    }

    @Test
    void relaySendsAlertsAsStoredToTheAlertsExchange() {
        AgencyAlert alert = new AgencyAlert(
                "NHIA", AgencyAlert.Kind.DELIVERY_PARKED, "delivery parked: retries exhausted", Instant.now());
        db.reports.appendAlert(alert);

        ReportOutbox.Pending pending =
                new ReportOutbox(db.jdbc, db.json).oldest(10).get(0);

        assertThat(pending.exchange()).isEqualTo(Topology.ALERTS_EXCHANGE);
        assertThat(pending.routingKey()).isEqualTo(Topology.alertRoutingKey("DELIVERY_PARKED", "NHIA"));
        Message sent =
                ReportMessages.pack(List.of(pending), 100, 1 << 20).get(0).message();
        assertThat(asGateway(sent, AgencyAlert.class)).isEqualTo(alert);
        assertThat(byHeader.fromMessage(sent)).isEqualTo(alert);
    }

    @Test
    void relayMessagesCarryWhatTheConverterWouldHaveWritten() {
        DeliveryReported report = report(DeliveryStatus.DELIVERED, 1);
        db.reports.append(report);
        Message converted = gateway.toMessage(new DeliveryReportBatch(List.of(report)), new MessageProperties());

        Message sent = ReportMessages.pack(new ReportOutbox(db.jdbc, db.json).oldest(1), 100, 1 << 20)
                .get(0)
                .message();

        MessageProperties properties = sent.getMessageProperties();
        MessageProperties expected = converted.getMessageProperties();
        assertThat(properties.getContentType()).isEqualTo(expected.getContentType());
        assertThat(properties.getContentEncoding()).isEqualTo(expected.getContentEncoding());
        assertThat(properties.getHeaders())
                .isEqualTo(expected.getHeaders())
                .containsEntry("__TypeId__", DeliveryReportBatch.class.getName());
        assertThat(properties.getContentLength()).isEqualTo(sent.getBody().length);
        assertThat(properties.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(sent.getBody()).isEqualTo(converted.getBody());
    }

    @Test
    void reportsQueuedTogetherAreSentInTheOrderGiven() {
        List<DeliveryReported> reports = List.of(
                report(DeliveryStatus.RETRYING, 1),
                report(DeliveryStatus.RETRYING, 2),
                report(DeliveryStatus.PARKED, 3));
        db.transactions.executeWithoutResult(tx -> db.reports.appendAll(reports));

        List<DeliveryReported> read =
                ReportMessages.pack(new ReportOutbox(db.jdbc, db.json).oldest(10), 2, 1 << 20).stream()
                        .flatMap(outgoing -> ((DeliveryReportBatch)
                                        asGateway(outgoing.message(), DeliveryReportBatch.class))
                                .reports().stream())
                        .toList();

        assertThat(read).containsExactlyElementsOf(reports);
    }

    /** Reads a message as the gateway's {@code @RabbitListener} with a parameter of {@code type} does. */
    private Object asGateway(Message message, Class<?> type) {
        message.getMessageProperties().setInferredArgumentType(type);
        return gateway.fromMessage(message);
    }

    private static DeliveryReported report(DeliveryStatus status, long revision) {
        Instant at = Instant.now();
        return new DeliveryReported(
                UUID.randomUUID(),
                "NHIA",
                status,
                revision,
                (int) revision,
                at,
                status == DeliveryStatus.DELIVERED ? null : "HTTP 503: 服務暫停",
                status == DeliveryStatus.RETRYING ? at.plusSeconds(10) : null,
                new AttemptRecord((int) revision, at.minusMillis(40), 37, 503, "{\"error\":\"busy\"}", null));
    }
}
