package tw.tongbao.core.change;

import java.util.List;

/** The parts of a Taiwanese address (CONTRACT §3), in the order every format lists them. */
public final class AddressParts {

    /** Every part, in order: the three required ones (postal code, city, district) first, then the optional ones. */
    public static final List<String> IN_ORDER = List.of(
            "postalCode",
            "city",
            "district",
            "village",
            "neighborhood",
            "street",
            "lane",
            "alley",
            "number",
            "floor",
            "unit");

    /** The parts an address may leave out. */
    public static final List<String> OPTIONAL = IN_ORDER.subList(3, IN_ORDER.size());

    private AddressParts() {}
}
