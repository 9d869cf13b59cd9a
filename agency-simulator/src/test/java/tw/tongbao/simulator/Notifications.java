package tw.tongbao.simulator;

import java.nio.charset.StandardCharsets;

/** Delivery bodies as the adapters send them, for the simulator's tests. */
final class Notifications {

    static final String SUBJECT_ID = "A123456789";

    private Notifications() {}

    /** A structured CloudEvent for an address change with this id. */
    static byte[] cloudEvent(String id) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/tongbao/changes\","
                        + "\"type\":\"tw.tongbao.address.changed.v1\",\"subject\":\"TB-7F3K9QXZ2M\","
                        + "\"time\":\"2026-11-26T09:00:00Z\",\"datacontenttype\":\"application/json\","
                        + "\"data\":{\"subjectRef\":\"p7Qx9LmN\",\"subjectId\":\"" + SUBJECT_ID + "\","
                        + "\"sequence\":3,\"effectiveDate\":\"2026-12-01\",\"address\":{\"city\":\"臺北市\"}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A SOAP 1.1 envelope holding a {@code ChangeNotification} with this id, shaped as the adapters write it. */
    static byte[] soapEnvelope(String id) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                        + "<ChangeNotification xmlns=\"urn:tongbao:notification:v1\">"
                        + "<deliveryId>" + id + "</deliveryId><eventType>tw.tongbao.address.changed.v1</eventType>"
                        + "<receipt>TB-7F3K9QXZ2M</receipt><submittedAt>2026-11-26T09:00:00Z</submittedAt>"
                        + "<subjectRef>p7Qx9LmN</subjectRef><subjectId>" + SUBJECT_ID + "</subjectId>"
                        + "<address><city>臺北市</city></address>"
                        + "</ChangeNotification></soap:Body></soap:Envelope>")
                .getBytes(StandardCharsets.UTF_8);
    }
}
