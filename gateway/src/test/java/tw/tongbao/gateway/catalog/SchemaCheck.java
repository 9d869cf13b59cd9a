package tw.tongbao.gateway.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Checks a JSON value against the subset of JSON Schema 2020-12 Tongbao's event schemas use ({@code type},
 * {@code properties}, {@code required}, {@code additionalProperties: false}, {@code pattern}, {@code enum},
 * {@code minimum}, {@code minLength}, {@code maxLength}, local {@code $ref}); any other keyword fails loudly so
 * the check never silently passes what it does not understand.
 */
final class SchemaCheck {

    private static final Set<String> UNDERSTOOD = Set.of(
            "$schema",
            "$id",
            "$defs",
            "$ref",
            "title",
            "description",
            "type",
            "properties",
            "required",
            "additionalProperties",
            "pattern",
            "enum",
            "minimum",
            "minLength",
            "maxLength",
            "format");

    private final JsonNode root;

    SchemaCheck(JsonNode root) {
        this.root = root;
    }

    /** Every way {@code value} breaks the schema, empty when it holds. */
    List<String> problems(JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(root, value, "$", problems);
        return problems;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        schema.propertyNames().stream()
                .filter(keyword -> !UNDERSTOOD.contains(keyword))
                .forEach(keyword -> problems.add(path + ": the check does not understand keyword " + keyword));
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").stringValue();
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode()) {
                problems.add(path + ": unresolvable $ref " + ref);
                return;
            }
            check(target, value, path, problems);
        }
        if (schema.has("type") && !hasType(value, schema.get("type").stringValue())) {
            problems.add(path + ": is not of type " + schema.get("type").stringValue());
            return;
        }
        if (schema.has("enum") && schema.get("enum").values().stream().noneMatch(allowed -> allowed.equals(value))) {
            problems.add(path + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isString()) {
            String text = value.stringValue();
            if (schema.has("pattern")
                    && !Pattern.compile(schema.get("pattern").stringValue())
                            .matcher(text)
                            .find()) {
                problems.add(path + ": " + text + " does not match "
                        + schema.get("pattern").stringValue());
            }
            if (schema.has("minLength")
                    && text.codePointCount(0, text.length())
                            < schema.get("minLength").asInt()) {
                problems.add(
                        path + ": is shorter than " + schema.get("minLength").asInt());
            }
            if (schema.has("maxLength")
                    && text.codePointCount(0, text.length())
                            > schema.get("maxLength").asInt()) {
                problems.add(
                        path + ": is longer than " + schema.get("maxLength").asInt());
            }
        }
        if (value.isNumber()
                && schema.has("minimum")
                && value.asLong() < schema.get("minimum").asLong()) {
            problems.add(path + ": is below " + schema.get("minimum").asLong());
        }
        if (value.isObject()) {
            JsonNode properties = schema.get("properties");
            if (schema.has("required")) {
                schema.get("required").values().stream()
                        .map(JsonNode::stringValue)
                        .filter(name -> !value.has(name))
                        .forEach(name -> problems.add(path + ": misses required " + name));
            }
            for (String name : value.propertyNames()) {
                if (properties != null && properties.has(name)) {
                    check(properties.get(name), value.get(name), path + "." + name, problems);
                } else if (schema.has("additionalProperties")
                        && !schema.get("additionalProperties").asBoolean()) {
                    problems.add(path + ": " + name + " is not allowed");
                }
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            default -> false;
        };
    }
}
