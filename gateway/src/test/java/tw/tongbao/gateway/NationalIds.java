package tw.tongbao.gateway;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh valid national IDs, so every test files for a subject of its own. */
public final class NationalIds {

    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO";

    private NationalIds() {}

    /** A random valid ID with a correct checksum. */
    public static String random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char letter = LETTERS.charAt(random.nextInt(LETTERS.length()));
        StringBuilder id = new StringBuilder().append(letter).append(random.nextBoolean() ? '1' : '2');
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
