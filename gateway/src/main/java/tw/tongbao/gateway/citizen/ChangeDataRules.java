package tw.tongbao.gateway.citizen;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tw.tongbao.core.change.ChangeType;

/** What each change type's {@code data} must hold (CONTRACT §3); only the type's own fields are accepted. */
final class ChangeDataRules {

    private static final Pattern MOBILE = Pattern.compile("09\\d{8}|\\+8869\\d{8}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final int MAX_NAME = 100;

    private ChangeDataRules() {}

    /** The normalised data of a change of {@code type}; problems are reported under {@code data.…}. */
    static Map<String, Object> read(ChangeType type, JsonNode node, LocalDate today, FieldProblems problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            problems.add("data", "is required");
            return Map.of();
        }
        if (!node.isObject()) {
            problems.add("data", "must be an object");
            return Map.of();
        }
        JsonFields.rejectUnknown(node, type.dataFields(), "data.", problems);
        Map<String, Object> data = new LinkedHashMap<>();
        switch (type) {
            case ADDRESS_CHANGE -> {
                putIfPresent(data, "address", AddressRules.read(node.get("address"), "data.address", problems));
                if (node.has("previousAddress")) {
                    putIfPresent(
                            data,
                            "previousAddress",
                            AddressRules.read(node.get("previousAddress"), "data.previousAddress", problems));
                }
            }
            case NAME_CHANGE -> {
                putIfPresent(data, "name", JsonFields.text(node.get("name"), "data.name", true, MAX_NAME, problems));
                putIfPresent(
                        data,
                        "romanizedName",
                        JsonFields.text(node.get("romanizedName"), "data.romanizedName", false, MAX_NAME, problems));
            }
            case CONTACT_CHANGE -> readContact(node, data, problems);
            case DEATH_REPORT -> {
                LocalDate dateOfDeath = JsonFields.date(node.get("dateOfDeath"), "data.dateOfDeath", true, problems);
                if (dateOfDeath != null && dateOfDeath.isAfter(today)) {
                    problems.add("data.dateOfDeath", "must not be in the future");
                }
                putIfPresent(data, "dateOfDeath", dateOfDeath == null ? null : dateOfDeath.toString());
                putIfPresent(
                        data,
                        "relationship",
                        JsonFields.text(node.get("relationship"), "data.relationship", true, 50, problems));
                putIfPresent(data, "name", JsonFields.text(node.get("name"), "data.name", true, MAX_NAME, problems));
            }
        }
        return data;
    }

    private static void readContact(JsonNode node, Map<String, Object> data, FieldProblems problems) {
        String phone = JsonFields.text(node.get("phone"), "data.phone", false, 13, problems);
        String email = JsonFields.text(node.get("email"), "data.email", false, 254, problems);
        if (phone != null && !MOBILE.matcher(phone).matches()) {
            problems.add("data.phone", "must be a Taiwan mobile number, 09xxxxxxxx or +8869xxxxxxxx");
        }
        if (email != null && !EMAIL.matcher(email).matches()) {
            problems.add("data.email", "must be an e-mail address");
        }
        if (phone == null && email == null && !node.has("phone") && !node.has("email")) {
            problems.add("data", "must hold phone and/or email");
        }
        putIfPresent(data, "phone", phone);
        putIfPresent(data, "email", email);
    }

    private static void putIfPresent(Map<String, Object> data, String field, Object value) {
        if (value != null) {
            data.put(field, value);
        }
    }
}
