package tw.tongbao.gateway.acknowledgement;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.delivery.DeliveryId;

/** Reads an acknowledgement body, reporting every problem at once; unknown properties are refused. */
final class AcknowledgementReader {

    static final int MAX_REASON = 2000;

    private static final Set<String> FIELDS = Set.of("deliveryId", "outcome", "reason");

    private AcknowledgementReader() {}

    static Acknowledgement read(byte[] body, JsonMapper json) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedAcknowledgement("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedAcknowledgement("the body must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        node.propertyNames().stream()
                .filter(name -> !FIELDS.contains(name))
                .forEach(name -> errors.add(new FieldError(name, "is not a known field")));
        DeliveryId deliveryId = deliveryId(node.get("deliveryId"), errors);
        Outcome outcome = outcome(node.get("outcome"), errors);
        String reason = reason(node.get("reason"), errors);
        if (outcome == Outcome.REJECTED && reason == null) {
            errors.add(new FieldError("reason", "is required when the outcome is REJECTED"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidAcknowledgement(errors);
        }
        return new Acknowledgement(deliveryId, outcome, reason);
    }

    private static DeliveryId deliveryId(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("deliveryId", "is required"));
            return null;
        }
        try {
            if (node.isString()) {
                return DeliveryId.parse(node.stringValue().strip());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        errors.add(new FieldError("deliveryId", "must be the delivery's id (a UUID, the webhook-id it came with)"));
        return null;
    }

    private static Outcome outcome(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError("outcome", "is required"));
            return null;
        }
        if (node.isString()) {
            for (Outcome outcome : Outcome.values()) {
                if (outcome.name().equals(node.stringValue())) {
                    return outcome;
                }
            }
        }
        errors.add(new FieldError("outcome", "must be APPLIED or REJECTED"));
        return null;
    }

    private static String reason(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError("reason", "must be a string"));
            return null;
        }
        String reason = node.stringValue().strip();
        if (reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "must be at most " + MAX_REASON + " characters"));
            return null;
        }
        return reason.isEmpty() ? null : reason;
    }
}
