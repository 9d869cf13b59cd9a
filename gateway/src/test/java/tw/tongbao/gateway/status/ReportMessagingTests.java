package tw.tongbao.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.test.util.ReflectionTestUtils;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/** The gateway's message converter reads Tongbao's own messages by their type header, and nothing else by it. */
class ReportMessagingTests {

    private final JsonMapper json = JsonMapper.builder().build();
    private final JacksonJsonMessageConverter converter = new ReportMessaging().jacksonJsonMessageConverter(json);

    @Test
    void readsAReportAndAnAlertByTheirTypeHeader() {
        DeliveryReported report = new DeliveryReported(
                UUID.randomUUID(),
                "NTA",
                DeliveryStatus.DELIVERED,
                2,
                1,
                Instant.parse("2026-11-26T10:00:00Z"),
                null,
                null,
                null);
        AgencyAlert alert = new AgencyAlert(
                "NTA", AgencyAlert.Kind.DISABLED, "agency answered 410", Instant.parse("2026-11-26T10:00:00Z"));

        assertThat(converter.fromMessage(typed(json.writeValueAsString(report), DeliveryReported.class.getName())))
                .isEqualTo(report);
        assertThat(converter.fromMessage(typed(json.writeValueAsString(alert), AgencyAlert.class.getName())))
                .isEqualTo(alert);
    }

    @Test
    void readsABatchOfReportsByItsTypeHeader() {
        DeliveryReported report = new DeliveryReported(
                UUID.randomUUID(),
                "NTA",
                DeliveryStatus.RETRYING,
                1,
                1,
                Instant.parse("2026-11-26T10:00:00Z"),
                "HTTP 503",
                Instant.parse("2026-11-26T10:01:00Z"),
                null);
        DeliveryReportBatch batch = new DeliveryReportBatch(List.of(report, report));

        assertThat(converter.fromMessage(typed(json.writeValueAsString(batch), DeliveryReportBatch.class.getName())))
                .isEqualTo(batch);
    }

    @Test
    void takesMessagesByTheirOwnBoundNotByTheReportsATransactionApplies() {
        // A message holds up to 100 reports: how many are taken at once is bounded on its own.
        ReportProperties properties = new ReportProperties(100, 10, null, null);
        var factory = new ReportMessaging()
                .reportBatchContainerFactory(
                        new SimpleRabbitListenerContainerFactoryConfigurer(new RabbitProperties()),
                        new CachingConnectionFactory(),
                        properties);

        SimpleMessageListenerContainer container = factory.createListenerContainer();

        assertThat(ReflectionTestUtils.getField(container, "batchSize")).isEqualTo(10);
        assertThat(ReflectionTestUtils.getField(container, "prefetchCount")).isEqualTo(20);
        assertThat(new ReportProperties(0, 0, null, null).messagesAtOnce()).isEqualTo(100);
    }

    @Test
    void refusesATypeHeaderOutsideTongbaosMessagePackages() {
        // A filed change is a Tongbao type, but not one the gateway ever takes from the broker.
        Message message = typed("{}", tw.tongbao.core.envelope.ChangeFiled.class.getName());

        assertThatThrownBy(() -> converter.fromMessage(message)).hasMessageContaining("not in the trusted packages");
    }

    private static Message typed(String body, String typeId) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setHeader("__TypeId__", typeId);
        return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
    }
}
