package tw.tongbao.core.change;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The citizen-facing reference of a change: {@code TB-} and 12 Crockford base-32 characters (60 random bits).
 *
 * @param value e.g. {@code TB-7F3K9QXZ2MAB}
 */
public record Receipt(String value) {

    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int LENGTH = 12;
    private static final Pattern SHAPE = Pattern.compile("TB-[0-9A-HJKMNP-TV-Z]{" + LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public Receipt {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a Tongbao receipt: " + value);
        }
    }

    /** Whether {@code candidate} has the shape of a receipt. */
    public static boolean isWellFormed(String candidate) {
        return candidate != null && SHAPE.matcher(candidate).matches();
    }

    /** A fresh unguessable receipt. */
    public static Receipt random() {
        StringBuilder sb = new StringBuilder("TB-");
        for (int i = 0; i < LENGTH; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new Receipt(sb.toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
