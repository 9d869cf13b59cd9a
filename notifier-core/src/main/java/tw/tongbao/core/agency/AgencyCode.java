package tw.tongbao.core.agency;

import java.util.regex.Pattern;

/**
 * The short code of an agency in the registry, e.g. {@code NTA}.
 *
 * @param value 2–12 capital letters or digits
 */
public record AgencyCode(String value) {

    private static final Pattern SHAPE = Pattern.compile("[A-Z][A-Z0-9]{1,11}");

    public AgencyCode {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not an agency code: " + value);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
