package tw.tongbao.systemtests.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What an HTTP agency actually received, read with other people's code (Standard Webhooks, CloudEvents SDK). */
public record Received(LoggedRequest request, CloudEvent event, JsonNode data) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EventFormat CLOUD_EVENTS =
            EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    /** Every POST the agency received, oldest first, parsed as CloudEvents. */
    public static List<Received> by(WireMockServer agency) {
        // WireMock lists newest first; reversed, it is arrival order.
        List<LoggedRequest> requests = new ArrayList<>(agency.getAllServeEvents().stream()
                .map(event -> event.getRequest())
                .toList());
        Collections.reverse(requests);
        return requests.stream().map(Received::parse).toList();
    }

    private static Received parse(LoggedRequest request) {
        CloudEvent event = CLOUD_EVENTS.deserialize(request.getBody());
        JsonNode data = JSON.readTree(event.getData().toBytes());
        return new Received(request, event, data);
    }

    /** The {@code webhook-id} header. */
    public String webhookId() {
        return request.getHeader("webhook-id");
    }

    /** The receipt the event is about (CloudEvent subject). */
    public String receipt() {
        return event.getSubject();
    }

    /** Asserts the signature verifies with the reference Standard Webhooks verifier and the agency's secret. */
    public Received assertSignedWith(String secret) {
        HttpHeaders headers = HttpHeaders.of(
                Map.of(
                        "webhook-id", List.of(request.getHeader("webhook-id")),
                        "webhook-timestamp", List.of(request.getHeader("webhook-timestamp")),
                        "webhook-signature", List.of(request.getHeader("webhook-signature"))),
                (name, value) -> true);
        try {
            new Webhook(secret).verify(new String(request.getBody(), StandardCharsets.UTF_8), headers);
        } catch (Exception e) {
            throw new AssertionError("signature does not verify: " + e.getMessage(), e);
        }
        assertThat(webhookId()).isEqualTo(event.getId());
        return this;
    }

    /** The names of the fields in the event's data. */
    public List<String> dataFields() {
        return data.propertyNames().stream().toList();
    }
}
