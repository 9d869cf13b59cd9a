package tw.tongbao.systemtests.support;

import java.util.concurrent.ThreadLocalRandom;

/** Random valid national IDs, so every test works on subjects of its own. */
public final class NationalIds {

    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO";

    private NationalIds() {}

    /** A random ID with a valid checksum (citizen format, 1 or 2 after the letter). */
    public static String random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char letter = LETTERS.charAt(random.nextInt(LETTERS.length()));
        StringBuilder id = new StringBuilder().append(letter).append(1 + random.nextInt(2));
        for (int i = 0; i < 7; i++) {
            id.append(random.nextInt(10));
        }
        int code = LETTERS.indexOf(letter) + 10;
        int sum = code / 10 + (code % 10) * 9;
        for (int i = 1; i < 9; i++) {
            sum += (id.charAt(i) - '0') * (9 - i);
        }
        return id.append((10 - sum % 10) % 10).toString();
    }
}
