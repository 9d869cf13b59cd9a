package tw.tongbao.gateway.citizen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Change request bodies for tests, as mutable maps a test can break one field at a time. */
public final class Changes {

    private Changes() {}

    /** A valid address change of {@code subject}, effective {@code effectiveDate}, choosing {@code notify}. */
    public static Map<String, Object> addressChange(String subject, String effectiveDate, String... notify) {
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("postalCode", "106");
        address.put("city", "臺北市");
        address.put("district", "大安區");
        address.put("street", "羅斯福路四段");
        address.put("number", "1號");
        address.put("floor", "5樓");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("address", address);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "ADDRESS_CHANGE");
        body.put("subjectId", subject);
        body.put("effectiveDate", effectiveDate);
        body.put("data", data);
        body.put("notify", new ArrayList<>(List.of(notify)));
        return body;
    }

    /** A valid name change of {@code subject} to {@code name}. */
    public static Map<String, Object> nameChange(String subject, String effectiveDate, String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", name);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "NAME_CHANGE");
        body.put("subjectId", subject);
        body.put("effectiveDate", effectiveDate);
        body.put("data", data);
        return body;
    }

    /** A valid death report of {@code deceased}. */
    public static Map<String, Object> deathReport(String deceased, String dateOfDeath) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dateOfDeath", dateOfDeath);
        data.put("relationship", "子女");
        data.put("name", "王大明");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "DEATH_REPORT");
        body.put("subjectId", deceased);
        body.put("effectiveDate", dateOfDeath);
        body.put("data", data);
        return body;
    }

    /** A contact change of {@code subject} with the given {@code phone} and/or {@code email}. */
    public static Map<String, Object> contactChange(String subject, String effectiveDate, Map<String, Object> contact) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "CONTACT_CHANGE");
        body.put("subjectId", subject);
        body.put("effectiveDate", effectiveDate);
        body.put("data", new LinkedHashMap<>(contact));
        return body;
    }

    /** The {@code data.address} map of an address change, to break in place. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> addressOf(Map<String, Object> change) {
        return (Map<String, Object>) ((Map<String, Object>) change.get("data")).get("address");
    }
}
