package tw.tongbao.bench;

import java.util.List;

/**
 * The registry's agency codes in registry order; an agency's position is its bit in delivery masks.
 *
 * @param codes e.g. {@code [NTA, NHIA, …]}, at most 32
 */
public record AgencyCodes(List<String> codes) {

    public AgencyCodes {
        codes = List.copyOf(codes);
        if (codes.isEmpty() || codes.size() > 32) {
            throw new IllegalArgumentException("between 1 and 32 agencies, got " + codes.size());
        }
    }

    /** The agency's position, or -1 when unknown. */
    public int indexOf(String code) {
        return codes.indexOf(code);
    }

    /** How many agencies there are. */
    public int size() {
        return codes.size();
    }

    /** The code at a position. */
    public String code(int index) {
        return codes.get(index);
    }
}
