package tw.tongbao.gateway.citizen;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Small readers of JSON fields that report every problem under the field's path. */
final class JsonFields {

    private JsonFields() {}

    /** Reports each property of {@code object} that is not in {@code known}. */
    static void rejectUnknown(JsonNode object, Set<String> known, String prefix, FieldProblems problems) {
        for (String name : object.propertyNames()) {
            if (!known.contains(name)) {
                problems.add(prefix + name, "is not a known field");
            }
        }
    }

    /** A stripped string of at most {@code maxLength} characters, or null (reported when required). */
    static String text(JsonNode node, String path, boolean required, int maxLength, FieldProblems problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (required) {
                problems.add(path, "is required");
            }
            return null;
        }
        if (!node.isString()) {
            problems.add(path, "must be a string");
            return null;
        }
        String value = node.stringValue().strip();
        if (value.isEmpty()) {
            if (required) {
                problems.add(path, "must not be blank");
            }
            return null;
        }
        if (value.length() > maxLength) {
            problems.add(path, "must be at most " + maxLength + " characters");
            return null;
        }
        return value;
    }

    /** An ISO date ({@code 2026-12-01}), or null (reported when required). */
    static LocalDate date(JsonNode node, String path, boolean required, FieldProblems problems) {
        String text = text(node, path, required, 10, problems);
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(path, "must be a date like 2026-12-01");
            return null;
        }
    }
}
