package tw.tongbao.gateway.audit;

/**
 * What walking the audit chain found.
 *
 * @param valid every record's hash matches its content and links to the record before
 * @param checked records checked (up to and including the first broken one)
 * @param firstBroken the id of the first record that does not hold, or null
 * @param reason why it does not hold, or null
 */
public record ChainVerdict(boolean valid, long checked, Long firstBroken, String reason) {

    static ChainVerdict intact(long checked) {
        return new ChainVerdict(true, checked, null, null);
    }

    static ChainVerdict broken(long checked, long id, String reason) {
        return new ChainVerdict(false, checked, id, reason);
    }
}
