package tw.tongbao.gateway.acknowledgement;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * What the gateway answers an acknowledgement, kept under its {@code webhook-id} so a replay gets it again.
 *
 * @param status the HTTP status
 * @param body the JSON body: the delivery's new state, or an RFC 9457 problem
 * @param retryLater whether the agency should send it again later (then it is not kept)
 */
record AcknowledgementAnswer(HttpStatus status, Map<String, Object> body, boolean retryLater) {

    /** How long an agency should wait before acknowledging a delivery that is not delivered yet. */
    static final int RETRY_AFTER_SECONDS = 60;

    AcknowledgementAnswer {
        body = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /** The delivery now stands at {@code status}. */
    static AcknowledgementAnswer settled(String deliveryId, Outcome outcome, String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deliveryId", deliveryId);
        body.put("outcome", outcome.name());
        body.put("status", status);
        return new AcknowledgementAnswer(HttpStatus.OK, body, false);
    }

    /** A problem the agency cannot fix by sending the same thing again. */
    static AcknowledgementAnswer problem(HttpStatus status, String title, String detail) {
        return new AcknowledgementAnswer(status, problemBody(status, title, detail), false);
    }

    /** The delivery is not delivered yet (the adapters' report may not have arrived): try again later. */
    static AcknowledgementAnswer notYetDelivered(String detail) {
        return new AcknowledgementAnswer(
                HttpStatus.CONFLICT, problemBody(HttpStatus.CONFLICT, "Not delivered yet", detail), true);
    }

    static Map<String, Object> problemBody(HttpStatus status, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", AcknowledgementController.PATH);
        return problem;
    }
}
