package tw.tongbao.bench.load;

/** Deterministic, checksum-valid national IDs: the n-th ID of the benchmark's subject population. */
public final class NationalIds {

    // The official letter order (A=10 … O=35), as in tw.tongbao.core.change.NationalId.
    private static final String LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO";
    private static final int SERIALS = 10_000_000;

    private NationalIds() {}

    /** How many distinct IDs {@link #nth(long)} yields before it repeats. */
    public static long capacity() {
        return (long) LETTERS.length() * 2 * SERIALS;
    }

    /** The n-th ID: letter, sex digit 1 or 2, seven serial digits, check digit. */
    public static String nth(long n) {
        long index = Math.floorMod(n, capacity());
        char letter = LETTERS.charAt((int) (index % LETTERS.length()));
        int sex = 1 + (int) ((index / LETTERS.length()) % 2);
        long serial = index / (LETTERS.length() * 2L);
        String body = letter + Integer.toString(sex) + String.format("%07d", serial);
        return body + checkDigit(body);
    }

    private static int checkDigit(String firstNine) {
        int code = LETTERS.indexOf(firstNine.charAt(0)) + 10;
        int sum = (code / 10) + (code % 10) * 9;
        for (int i = 1; i < 9; i++) {
            sum += (firstNine.charAt(i) - '0') * (9 - i);
        }
        return (10 - sum % 10) % 10;
    }
}
