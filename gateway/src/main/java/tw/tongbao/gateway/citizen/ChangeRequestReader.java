package tw.tongbao.gateway.citizen;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.core.routing.RecipientPolicy;

/** Turns a parsed request body into a {@link ChangeRequest}, or throws {@link InvalidChangeRequest} listing all. */
@Component
final class ChangeRequestReader {

    /** Dates are citizens' dates: Taiwan's. */
    static final ZoneId TAIWAN = ZoneId.of("Asia/Taipei");

    private static final Set<String> FIELDS = Set.of("type", "subjectId", "effectiveDate", "data", "notify");
    private static final int MOVE_DAYS_PAST = 30;
    private static final int MOVE_DAYS_AHEAD = 90;

    private final RecipientPolicy recipients;
    private final Clock clock;

    ChangeRequestReader(RecipientPolicy recipients, Clock clock) {
        this.recipients = recipients;
        this.clock = clock;
    }

    ChangeRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedChangeRequest("the request body must be a JSON object");
        }
        LocalDate today = LocalDate.now(clock.withZone(TAIWAN));
        FieldProblems problems = new FieldProblems();
        JsonFields.rejectUnknown(body, FIELDS, "", problems);
        ChangeType type = readType(body.get("type"), problems);
        NationalId subject = readSubject(body.get("subjectId"), problems);
        LocalDate effectiveDate = JsonFields.date(body.get("effectiveDate"), "effectiveDate", true, problems);
        Map<String, Object> data =
                type == null ? Map.of() : ChangeDataRules.read(type, body.get("data"), today, problems);
        Set<String> notify = readNotify(body.get("notify"), problems);
        if (type != null) {
            recipients.problemsWith(type, notify).forEach(message -> problems.add("notify", message));
        }
        if (type == ChangeType.ADDRESS_CHANGE && effectiveDate != null) {
            if (effectiveDate.isBefore(today.minusDays(MOVE_DAYS_PAST))
                    || effectiveDate.isAfter(today.plusDays(MOVE_DAYS_AHEAD))) {
                problems.add(
                        "effectiveDate",
                        "a move must be at most " + MOVE_DAYS_PAST + " days past or " + MOVE_DAYS_AHEAD
                                + " days ahead");
            }
        }
        problems.throwIfAny();
        return new ChangeRequest(type, subject, effectiveDate, data, notify);
    }

    private static ChangeType readType(JsonNode node, FieldProblems problems) {
        String text = JsonFields.text(node, "type", true, 32, problems);
        if (text == null) {
            return null;
        }
        try {
            return ChangeType.valueOf(text);
        } catch (IllegalArgumentException e) {
            problems.add(
                    "type",
                    "must be one of "
                            + Arrays.stream(ChangeType.values()).map(Enum::name).collect(Collectors.joining(", ")));
            return null;
        }
    }

    private static NationalId readSubject(JsonNode node, FieldProblems problems) {
        String text = JsonFields.text(node, "subjectId", true, 10, problems);
        if (text == null) {
            return null;
        }
        if (!NationalId.isValid(text)) {
            problems.add("subjectId", "is not a valid national ID");
            return null;
        }
        return new NationalId(text);
    }

    private static Set<String> readNotify(JsonNode node, FieldProblems problems) {
        Set<String> chosen = new LinkedHashSet<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return chosen;
        }
        if (!node.isArray()) {
            problems.add("notify", "must be an array of agency codes");
            return chosen;
        }
        int index = 0;
        for (JsonNode element : node.values()) {
            String code = JsonFields.text(element, "notify[" + index + "]", true, 12, problems);
            if (code != null) {
                chosen.add(code);
            }
            index++;
        }
        return chosen;
    }
}
