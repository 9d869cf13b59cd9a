package tw.tongbao.gateway.citizen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tw.tongbao.core.change.AddressParts;

/** What a Taiwanese address must hold (CONTRACT §3), with {@code 台} normalised to {@code 臺} in the city. */
final class AddressRules {

    /** The 22 municipalities and counties, in their official spelling. */
    static final Set<String> CITIES = Set.of(
            "臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "基隆市", "新竹市", "嘉義市", "新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣",
            "屏東縣", "宜蘭縣", "花蓮縣", "臺東縣", "澎湖縣", "金門縣", "連江縣");

    private static final List<String> OPTIONAL =
            List.of("village", "neighborhood", "street", "lane", "alley", "number", "floor", "unit");
    private static final Set<String> FIELDS = Set.copyOf(AddressParts.IN_ORDER);
    private static final Pattern POSTAL_CODE = Pattern.compile("\\d{3}|\\d{5}|\\d{6}");
    private static final int MAX_PART = 100;

    private AddressRules() {}

    /** The normalised address, or null when it has problems (all reported under {@code path}). */
    static Map<String, Object> read(JsonNode node, String path, FieldProblems problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            problems.add(path, "is required");
            return null;
        }
        if (!node.isObject()) {
            problems.add(path, "must be an object");
            return null;
        }
        int before = problems.all().size();
        JsonFields.rejectUnknown(node, FIELDS, path + ".", problems);
        Map<String, Object> address = new LinkedHashMap<>();
        String postalCode = JsonFields.text(node.get("postalCode"), path + ".postalCode", true, 6, problems);
        if (postalCode != null && !POSTAL_CODE.matcher(postalCode).matches()) {
            problems.add(path + ".postalCode", "must be 3, 5 or 6 digits");
        }
        address.put("postalCode", postalCode);
        String city = JsonFields.text(node.get("city"), path + ".city", true, MAX_PART, problems);
        if (city != null) {
            city = normaliseCity(city);
            if (!CITIES.contains(city)) {
                problems.add(path + ".city", "must be one of the 22 municipalities and counties, e.g. 臺北市");
            }
        }
        address.put("city", city);
        address.put("district", JsonFields.text(node.get("district"), path + ".district", true, MAX_PART, problems));
        for (String part : OPTIONAL) {
            String value = JsonFields.text(node.get(part), path + "." + part, false, MAX_PART, problems);
            if (value != null) {
                address.put(part, value);
            }
        }
        return problems.all().size() == before ? address : null;
    }

    /** {@code 台北市} → {@code 臺北市}: citizens write both, the registry of cities uses the official form. */
    static String normaliseCity(String city) {
        return city.replace('台', '臺');
    }
}
