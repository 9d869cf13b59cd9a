package tw.tongbao.gateway.catalog;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tw.tongbao.core.change.ChangeType;

/** What every field means, in both languages, and which of a type's data fields a citizen must fill in. */
final class FieldGlossary {

    private static final Map<String, Map<String, String>> MEANINGS = Map.ofEntries(
            meaning(
                    "subjectRef",
                    "您在該機關的代號（每個機關不同，無法還原身分證號）",
                    "Your pseudonym at that agency (different for every agency; does not reveal your national ID)"),
            meaning("subjectId", "身分證統一編號", "National ID number"),
            meaning(
                    "sequence",
                    "您第幾次的異動申報（讓機關依序處理）",
                    "Which of your changes this is (so agencies apply them in order)"),
            meaning("effectiveDate", "生效日期", "Date the change takes effect"),
            meaning("name", "姓名", "Name"),
            meaning("romanizedName", "羅馬拼音姓名", "Name in romanized form"),
            meaning("address", "新地址", "New address"),
            meaning("previousAddress", "原地址", "Previous address"),
            meaning("phone", "手機號碼", "Mobile phone number"),
            meaning("email", "電子郵件", "E-mail address"),
            meaning("dateOfDeath", "死亡日期", "Date of death"),
            meaning("relationship", "申報人與往生者的關係", "The filer's relationship to the deceased"));

    private static final Map<ChangeType, Map<String, String>> TYPE_MEANINGS = Map.of(
            ChangeType.ADDRESS_CHANGE, Map.of("zh-TW", "地址變更", "en", "Change of address"),
            ChangeType.NAME_CHANGE, Map.of("zh-TW", "姓名變更", "en", "Change of name"),
            ChangeType.CONTACT_CHANGE,
                    Map.of("zh-TW", "聯絡方式變更（手機、電子郵件）", "en", "Change of contact details (phone, e-mail)"),
            ChangeType.DEATH_REPORT, Map.of("zh-TW", "家屬死亡通報", "en", "Report of a relative's death"));

    /** The data fields a filing of each type must carry (CONTRACT §3); CONTACT_CHANGE needs phone and/or email. */
    private static final Map<ChangeType, Set<String>> REQUIRED = Map.of(
            ChangeType.ADDRESS_CHANGE, Set.of("address"),
            ChangeType.NAME_CHANGE, Set.of("name"),
            ChangeType.CONTACT_CHANGE, Set.of(),
            ChangeType.DEATH_REPORT, Set.of("dateOfDeath", "relationship", "name"));

    /** Fields in the order a citizen reads them. */
    static final List<String> ORDER = List.of(
            "subjectRef",
            "subjectId",
            "sequence",
            "effectiveDate",
            "name",
            "romanizedName",
            "address",
            "previousAddress",
            "phone",
            "email",
            "dateOfDeath",
            "relationship");

    private FieldGlossary() {}

    /** The field's meaning by language tag; every field an agency can receive has one. */
    static Map<String, String> meaning(String field) {
        Map<String, String> meaning = MEANINGS.get(field);
        if (meaning == null) {
            throw new IllegalArgumentException("the catalog does not describe field " + field);
        }
        return meaning;
    }

    static Map<String, String> meaning(ChangeType type) {
        return TYPE_MEANINGS.get(type);
    }

    static boolean isRequired(ChangeType type, String field) {
        return REQUIRED.get(type).contains(field);
    }

    private static Map.Entry<String, Map<String, String>> meaning(String field, String zhTw, String en) {
        return Map.entry(field, Map.of("zh-TW", zhTw, "en", en));
    }
}
