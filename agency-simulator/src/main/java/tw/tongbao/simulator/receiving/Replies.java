package tw.tongbao.simulator.receiving;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Protocol;

/** The bodies a simulated agency answers with, in its protocol's own format. */
final class Replies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Replies() {}

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param contentType the body's media type
     * @param body the body's bytes
     */
    record Reply(int status, String contentType, byte[] body) {}

    /** 200: the agency has the delivery. */
    static Reply received(Protocol protocol, String id) {
        if (protocol == Protocol.SOAP_XML) {
            return soap(
                    200,
                    "<tb:ChangeNotificationResponse xmlns:tb=\"" + NotificationReader.TONGBAO_NS + "\">"
                            + "<tb:received>" + escape(id) + "</tb:received>"
                            + "</tb:ChangeNotificationResponse>");
        }
        return json(200, Map.of("received", id));
    }

    /** 401: the signature is missing, stale or does not verify; plain reason, whatever the protocol. */
    static Reply unauthorized(String reason) {
        return json(401, Map.of("error", "invalid signature", "reason", reason));
    }

    /** 400 (rest-json) or a SOAP {@code Client} fault: the body is not what the protocol promises. */
    static Reply unreadable(Protocol protocol, String reason) {
        if (protocol == Protocol.SOAP_XML) {
            return soap(500, fault("soap:Client", reason));
        }
        return json(400, Map.of("error", "unreadable notification", "reason", reason));
    }

    /** 503 (with a SOAP {@code Server} fault for soap-xml): a failure injected on purpose. */
    static Reply unavailable(Protocol protocol) {
        String reason = "simulated outage (tongbao.simulator.failure-rate)";
        if (protocol == Protocol.SOAP_XML) {
            return soap(503, fault("soap:Server", reason));
        }
        return json(503, Map.of("error", "unavailable", "reason", reason));
    }

    /** A plain JSON error for requests that are not deliveries at all (wrong path, method, size). */
    static Reply error(int status, String reason) {
        return json(status, Map.of("error", reason));
    }

    private static Reply json(int status, Map<String, String> body) {
        return new Reply(status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static Reply soap(int status, String bodyContent) {
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soap:Envelope xmlns:soap=\"" + NotificationReader.SOAP_NS + "\">"
                + "<soap:Body>" + bodyContent + "</soap:Body>"
                + "</soap:Envelope>";
        return new Reply(status, "text/xml; charset=utf-8", envelope.getBytes(StandardCharsets.UTF_8));
    }

    private static String fault(String code, String reason) {
        return "<soap:Fault><faultcode>" + code + "</faultcode><faultstring>" + escape(reason)
                + "</faultstring></soap:Fault>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
