package tw.tongbao.core.change;

import java.util.regex.Pattern;

/**
 * A Taiwanese national ID or (2021 format) resident certificate number, checksum verified.
 *
 * @param value e.g. {@code A123456789}
 */
public record NationalId(String value) {

    private static final Pattern SHAPE = Pattern.compile("[A-Z][1289]\\d{8}");

    // Letter codes in the official order: A=10 … Z=33, with I, O, W, Z etc. placed where the ministry put them.
    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO";

    public NationalId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new InvalidNationalId(value, "must be one capital letter, then 1, 2, 8 or 9, then 8 digits");
        }
        if (!checksumHolds(value)) {
            throw new InvalidNationalId(value, "checksum does not match");
        }
    }

    /** Whether {@code candidate} is a well-formed ID with a valid checksum. */
    public static boolean isValid(String candidate) {
        try {
            new NationalId(candidate);
            return true;
        } catch (InvalidNationalId e) {
            return false;
        }
    }

    /** The ID for logs: {@code A12****789}. */
    public String masked() {
        return value.substring(0, 3) + "****" + value.substring(7);
    }

    @Override
    public String toString() {
        return masked();
    }

    private static boolean checksumHolds(String id) {
        int code = LETTERS.indexOf(id.charAt(0)) + 10;
        int sum = (code / 10) + (code % 10) * 9;
        for (int i = 1; i < 9; i++) {
            sum += (id.charAt(i) - '0') * (9 - i);
        }
        sum += id.charAt(9) - '0';
        return sum % 10 == 0;
    }

    /** Thrown when a string is not a valid national ID. */
    public static final class InvalidNationalId extends IllegalArgumentException {
        InvalidNationalId(String value, String why) {
            super("national ID " + maskLoosely(value) + " is invalid: " + why);
        }

        private static String maskLoosely(String value) {
            if (value == null) {
                return "null";
            }
            return value.length() >= 10 ? value.substring(0, 3) + "****" + value.substring(7) : "(malformed)";
        }
    }
}
