package tw.tongbao.core.envelope;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Builds the CloudEvents 1.0 structured JSON an agency receives over rest-json. */
public final class CloudEventEnvelope {

    /** The CloudEvent {@code source} of every Tongbao event. */
    public static final String SOURCE = "/tongbao/changes";

    /** The media type of a structured CloudEvent in JSON. */
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CloudEventEnvelope() {}

    /** The event as an ordered map: {@code specversion, id, source, type, subject, time, datacontenttype, data}. */
    public static Map<String, Object> event(ChangeFiled change, Addressee addressee, Map<String, Object> data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", addressee.deliveryId().toString());
        event.put("source", SOURCE);
        event.put("type", change.type().eventType());
        event.put("subject", change.receipt());
        event.put("time", change.submittedAt().toString());
        event.put("datacontenttype", "application/json");
        event.put("data", data);
        return event;
    }

    /** The event's exact UTF-8 bytes, as signed and sent. */
    public static byte[] bytes(ChangeFiled change, Addressee addressee, Map<String, Object> data) {
        return JSON.writeValueAsBytes(event(change, addressee, data));
    }
}
