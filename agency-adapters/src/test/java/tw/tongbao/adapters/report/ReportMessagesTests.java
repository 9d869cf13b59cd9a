package tw.tongbao.adapters.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.control.AgencyAlert;
import tw.tongbao.core.messaging.Topology;
import tw.tongbao.core.report.DeliveryReportBatch;
import tw.tongbao.core.report.DeliveryReported;

/** A relay batch's rows become few messages: reports many to one, bounded in number and bytes; alerts each alone. */
class ReportMessagesTests {

    @Test
    void packsReportsInIdOrderAtMostSoManyToAMessage() {
        List<ReportOutbox.Pending> rows = LongStream.rangeClosed(1, 23)
                .mapToObj(ReportMessagesTests::report)
                .toList();

        List<ReportMessages.Outgoing> messages = ReportMessages.pack(rows, 10, 1_000_000);

        assertThat(messages).extracting(m -> m.ids().size()).containsExactly(10, 10, 3);
        assertThat(messages.stream().flatMap(m -> m.ids().stream()))
                .containsExactlyElementsOf(
                        rows.stream().map(ReportOutbox.Pending::id).toList());
        assertThat(new String(messages.get(2).message().getBody(), StandardCharsets.UTF_8))
                .isEqualTo("{\"reports\":[{\"r\":21},{\"r\":22},{\"r\":23}]}");
        assertThat(messages.get(0).message().getMessageProperties().getHeaders())
                .containsEntry("__TypeId__", DeliveryReportBatch.class.getName());
        assertThat(messages.get(0).exchange()).isEqualTo(Topology.REPORTS_EXCHANGE);
        assertThat(messages.get(0).routingKey()).isEqualTo(Topology.REPORTS_ROUTING_KEY);
        assertThat(messages.get(0).description()).isEqualTo("10 reports (outbox ids 1..10)");
    }

    @Test
    void closesAMessageBeforeTheReportThatWouldTakeItOverItsBytes() {
        List<ReportOutbox.Pending> rows = List.of(report(1, 400), report(2, 400), report(3, 1_200), report(4));

        List<ReportMessages.Outgoing> messages = ReportMessages.pack(rows, 100, 1_000);

        // Each report counts its bytes and a comma: 401 + 401 fit, 1,201 more do not; one over the bound goes alone.
        assertThat(messages)
                .extracting(ReportMessages.Outgoing::ids)
                .containsExactly(List.of(1L, 2L), List.of(3L), List.of(4L));
    }

    @Test
    void sendsEachAlertAloneAndTheReportsAroundItTogetherInOrderOfTheirFirstRow() {
        List<ReportOutbox.Pending> rows = new ArrayList<>();
        rows.add(report(1));
        rows.add(alert(2));
        rows.add(report(3));
        rows.add(report(4));
        rows.add(alert(5));
        rows.add(report(6));

        List<ReportMessages.Outgoing> messages = ReportMessages.pack(rows, 3, 1_000_000);

        assertThat(messages)
                .extracting(ReportMessages.Outgoing::ids)
                .containsExactly(List.of(1L, 3L, 4L), List.of(2L), List.of(5L), List.of(6L));
        assertThat(messages.get(1).exchange()).isEqualTo(Topology.ALERTS_EXCHANGE);
        assertThat(messages.get(1).message().getBody()).isEqualTo(alert(2).body());
        assertThat(messages.get(1).message().getMessageProperties().getHeaders())
                .containsEntry("__TypeId__", AgencyAlert.class.getName());
    }

    /** A report row whose stored JSON is {@code {"r":<id>}}. */
    private static ReportOutbox.Pending report(long id) {
        return report(id, "{\"r\":" + id + "}");
    }

    /** A report row whose stored JSON takes {@code bytes} bytes. */
    private static ReportOutbox.Pending report(long id, int bytes) {
        String json = "{\"r\":" + id + "}";
        return report(id, json + " ".repeat(bytes - json.length()));
    }

    private static ReportOutbox.Pending report(long id, String json) {
        return new ReportOutbox.Pending(
                id,
                Topology.REPORTS_EXCHANGE,
                Topology.REPORTS_ROUTING_KEY,
                DeliveryReported.class,
                json.getBytes(StandardCharsets.UTF_8),
                "report " + id);
    }

    private static ReportOutbox.Pending alert(long id) {
        return new ReportOutbox.Pending(
                id,
                Topology.ALERTS_EXCHANGE,
                Topology.alertRoutingKey("DISABLED", "NTA"),
                AgencyAlert.class,
                ("{\"alert\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                "alert " + id);
    }
}
