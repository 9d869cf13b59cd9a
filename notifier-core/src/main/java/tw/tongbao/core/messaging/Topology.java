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

    /** Topic exchange, durable, the gateway sends operator commands to ({@code tw.tongbao.core.control}). */
    public static final String CONTROL_EXCHANGE = "tongbao.control";

    /** Quorum queue the adapters take operator commands from, bound with {@link #CONTROL_BINDING}. */
    public static final String CONTROL_QUEUE = "tongbao.adapters.control";

    /** Binding pattern of {@link #CONTROL_QUEUE}: every command. */
    public static final String CONTROL_BINDING = "command.#";

    /** Routing key of an {@code AgencyCommand} (pause, resume, enable). */
    public static final String AGENCY_COMMAND_ROUTING_KEY = "command.agency";

    /** Routing key of a {@code DeliveryCommand} (retry, cancel). */
    public static final String DELIVERY_COMMAND_ROUTING_KEY = "command.delivery";

    /** Routing key of a {@code ReplayCommand}. */
    public static final String REPLAY_COMMAND_ROUTING_KEY = "command.replay";

    /** Routing key, on {@link #REPORTS_EXCHANGE}, of {@code AgencyHealth} snapshots. */
    public static final String AGENCY_HEALTH_ROUTING_KEY = "agency.health";

    /** Quorum queue the gateway takes agency health snapshots from. */
    public static final String AGENCY_HEALTH_QUEUE = "tongbao.gateway.agency-health";

    /**
     * {@code x-max-length} of {@link #AGENCY_HEALTH_QUEUE} (overflow drops the oldest): snapshots are replaced every few
     * seconds, so an unread backlog is worthless. Both sides must declare the queue with this argument.
     */
    public static final int AGENCY_HEALTH_QUEUE_MAX_LENGTH = 10_000;

    /** Topic exchange, durable, the adapters publish {@code AgencyAlert}s to. */
    public static final String ALERTS_EXCHANGE = "tongbao.alerts";

    /** Quorum queue the gateway takes alerts from, bound with {@code #} (every alert). */
    public static final String ALERTS_QUEUE = "tongbao.gateway.alerts";

    /** Routing key of an alert: {@code alert.<kind>.<AGENCY>}, e.g. {@code alert.delivery_parked.NTA}. */
    public static String alertRoutingKey(String kind, String agency) {
        return "alert." + kind.toLowerCase(java.util.Locale.ROOT) + "." + agency;
    }

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
