package tw.tongbao.adapters.transport;

import tw.tongbao.core.agency.Agency;

/** Told of every settled try (metrics, health); must be quick and must not throw. */
public interface AttemptObserver {

    /**
     * One try ended.
     *
     * @param agency the agency tried
     * @param result how the try went
     * @param after the delivery as stored after it, or null when the row had moved on meanwhile
     */
    void attempted(Agency agency, AttemptResult result, AdapterDelivery after);
}
