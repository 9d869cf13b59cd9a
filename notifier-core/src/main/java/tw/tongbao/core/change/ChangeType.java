package tw.tongbao.core.change;

import java.util.Set;

/** The kinds of change a citizen can file, with the data fields each carries and its CloudEvent type. */
public enum ChangeType {
    ADDRESS_CHANGE("address", "changed", Set.of("address", "previousAddress")),
    NAME_CHANGE("name", "changed", Set.of("name", "romanizedName")),
    CONTACT_CHANGE("contact", "changed", Set.of("phone", "email")),
    DEATH_REPORT("death", "reported", Set.of("dateOfDeath", "relationship", "name"));

    private final String kind;
    private final String verb;
    private final Set<String> dataFields;

    ChangeType(String kind, String verb, Set<String> dataFields) {
        this.kind = kind;
        this.verb = verb;
        this.dataFields = dataFields;
    }

    /** The CloudEvent type agencies receive, e.g. {@code tw.tongbao.address.changed.v1}. */
    public String eventType() {
        return "tw.tongbao." + kind + "." + verb + ".v1";
    }

    /** The fields a change of this type may carry in its {@code data}. */
    public Set<String> dataFields() {
        return dataFields;
    }
}
