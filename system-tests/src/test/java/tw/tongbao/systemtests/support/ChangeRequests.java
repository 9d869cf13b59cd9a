package tw.tongbao.systemtests.support;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Citizen API request bodies for tests, one factory per change type. */
public final class ChangeRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ChangeRequests() {}

    /** An ADDRESS_CHANGE to a Da'an district address effective in five days, choosing the given consent agencies. */
    public static String addressChange(String subjectId, String... notify) {
        return addressChangeAt(subjectId, "1號", notify);
    }

    /** An ADDRESS_CHANGE whose house number tells changes of one subject apart. */
    public static String addressChangeAt(String subjectId, String number, String... notify) {
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("postalCode", "106");
        address.put("city", "台北市");
        address.put("district", "大安區");
        address.put("street", "羅斯福路四段");
        address.put("number", number);
        address.put("floor", "5樓");
        return body("ADDRESS_CHANGE", subjectId, LocalDate.now().plusDays(5), Map.of("address", address), notify);
    }

    /** A NAME_CHANGE. */
    public static String nameChange(String subjectId, String name, String... notify) {
        return body("NAME_CHANGE", subjectId, LocalDate.now(), Map.of("name", name), notify);
    }

    /** A CONTACT_CHANGE with a Taiwan mobile number. */
    public static String contactChange(String subjectId, String phone, String... notify) {
        return body("CONTACT_CHANGE", subjectId, LocalDate.now(), Map.of("phone", phone), notify);
    }

    /** A CONTACT_CHANGE with a mobile number and an e-mail address. */
    public static String contactChangeWithEmail(String subjectId, String phone, String email, String... notify) {
        return body("CONTACT_CHANGE", subjectId, LocalDate.now(), Map.of("phone", phone, "email", email), notify);
    }

    /** A DEATH_REPORT filed by a relative for the deceased {@code subjectId}, who died yesterday. */
    public static String deathReport(String subjectId, String nameOfDeceased) {
        String yesterday = LocalDate.now().minusDays(1).toString();
        return body(
                "DEATH_REPORT",
                subjectId,
                LocalDate.now().minusDays(1),
                Map.of("dateOfDeath", yesterday, "relationship", "子女", "name", nameOfDeceased));
    }

    private static String body(
            String type, String subjectId, LocalDate effectiveDate, Map<String, Object> data, String... notify) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("subjectId", subjectId);
        body.put("effectiveDate", effectiveDate.toString());
        body.put("data", data);
        if (notify.length > 0) {
            body.put("notify", List.of(notify));
        }
        return JSON.writeValueAsString(body);
    }
}
