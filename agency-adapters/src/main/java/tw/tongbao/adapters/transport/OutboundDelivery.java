package tw.tongbao.adapters.transport;

import java.util.Map;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * One delivery ready to leave: the change, the agency's addressee entry, and the data it is entitled to.
 *
 * @param change the filed change
 * @param addressee the agency's entry (delivery id, pseudonym)
 * @param data what the agency may see, from {@code EntitlementPolicy}
 */
public record OutboundDelivery(ChangeFiled change, Addressee addressee, Map<String, Object> data) {}
