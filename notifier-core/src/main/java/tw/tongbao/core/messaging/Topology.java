package tw.tongbao.core.messaging;

/** Names and arguments of the broker objects the gateway and the adapters share. */
public final class Topology {

    /** Headers exchange the gateway publishes each filed change to, once. */
    public static final String CHANGES_EXCHANGE = "tongbao.changes";

    /** Direct exchange the adapters publish delivery reports to. */
    public static final String REPORTS_EXCHANGE = "tongbao.reports";

    /** Quorum queue the gateway takes delivery reports from. */
    public static final String REPORTS_QUEUE = "tongbao.gateway.reports";

    /** Routing key of delivery reports. */
    public static final String REPORTS_ROUTING_KEY = "delivery.reported";

    /** Header a message carries once per addressed agency, with value {@link #ADDRESSED}. */
    public static String addressedHeader(String agency) {
        return "tongbao-to-" + agency;
    }

    /** Value of an {@link #addressedHeader} header. */
    public static final String ADDRESSED = "yes";

    /** The durable quorum queue holding one agency's changes. */
    public static String agencyQueue(String agency) {
        return "tongbao.agency." + agency;
    }

    private Topology() {}
}
