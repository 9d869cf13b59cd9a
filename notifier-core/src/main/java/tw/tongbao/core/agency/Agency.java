package tw.tongbao.core.agency;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import tw.tongbao.core.change.ChangeType;

/**
 * One receiving system as declared in the registry (bound from {@code tongbao.agencies[n]}).
 *
 * @param code short code, e.g. {@code NTA}
 * @param name display names by language tag ({@code zh-TW}, {@code en})
 * @param protocol how it takes deliveries
 * @param endpoint where HTTP deliveries go (rest-json, soap-xml)
 * @param secret its Standard Webhooks secret ({@code whsec_…})
 * @param previousSecret the secret being retired during a key rotation; both sign while it is set
 * @param basis whether the law or the citizen's consent makes it a recipient
 * @param legalReference the statute or terms that entitle it
 * @param subscribes change types it takes
 * @param fields the only data fields it ever receives
 * @param rateLimitPerSecond most calls per second it is sent (default 50)
 * @param maxConcurrentCalls most calls in flight at once (default 8)
 * @param timeout how long one call may take (default 10 s)
 * @param retrySchedule waits before each retry; its length is the retry budget (default: the contract's three days)
 * @param charset the character set of its batch files (batch-csv; default UTF-8)
 * @param batchSize rows per batch file before it closes (batch-csv; default 500)
 * @param batchInterval longest a batch file stays open (batch-csv; default 1 min)
 */
public record Agency(
        AgencyCode code,
        Map<String, String> name,
        Protocol protocol,
        URI endpoint,
        String secret,
        String previousSecret,
        Basis basis,
        String legalReference,
        Set<ChangeType> subscribes,
        Set<String> fields,
        int rateLimitPerSecond,
        int maxConcurrentCalls,
        Duration timeout,
        List<Duration> retrySchedule,
        String charset,
        int batchSize,
        Duration batchInterval) {

    /** Immediately, then 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h: about three days. */
    public static final List<Duration> DEFAULT_RETRY_SCHEDULE = List.of(
            Duration.ZERO,
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(6),
            Duration.ofHours(12),
            Duration.ofHours(24),
            Duration.ofHours(24));

    public Agency {
        Objects.requireNonNull(code, "agency code");
        Objects.requireNonNull(protocol, () -> "protocol of agency " + code);
        Objects.requireNonNull(basis, () -> "basis of agency " + code);
        name = name == null ? Map.of() : Map.copyOf(name);
        subscribes = subscribes == null ? Set.of() : Set.copyOf(subscribes);
        fields = fields == null ? Set.of() : Set.copyOf(fields);
        rateLimitPerSecond = rateLimitPerSecond > 0 ? rateLimitPerSecond : 50;
        maxConcurrentCalls = maxConcurrentCalls > 0 ? maxConcurrentCalls : 8;
        timeout = timeout != null ? timeout : Duration.ofSeconds(10);
        retrySchedule =
                retrySchedule == null || retrySchedule.isEmpty() ? DEFAULT_RETRY_SCHEDULE : List.copyOf(retrySchedule);
        charset = charset != null ? charset : "UTF-8";
        batchSize = batchSize > 0 ? batchSize : 500;
        batchInterval = batchInterval != null ? batchInterval : Duration.ofMinutes(1);
        if (protocol != Protocol.BATCH_CSV && endpoint == null) {
            throw new IllegalArgumentException("agency " + code + " speaks " + protocol + " but has no endpoint");
        }
        if (protocol != Protocol.BATCH_CSV && (secret == null || secret.isBlank())) {
            throw new IllegalArgumentException("agency " + code + " has no signing secret");
        }
    }

    /** The signing secrets in force, newest first: one, or two during a key rotation. */
    public List<String> secrets() {
        return Stream.of(secret, previousSecret)
                .filter(s -> s != null && !s.isBlank())
                .toList();
    }

    /** The name in the given language (tags compared ignoring case), falling back to zh-TW, then the code. */
    public String displayName(String language) {
        return lookupName(language).or(() -> lookupName("zh-TW")).orElse(code.value());
    }

    private java.util.Optional<String> lookupName(String language) {
        String wanted = language.toLowerCase(Locale.ROOT);
        return name.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Whether the agency takes changes of this type. */
    public boolean subscribesTo(ChangeType type) {
        return subscribes.contains(type);
    }

    /** Whether the agency may receive this field. */
    public boolean isEntitledTo(String field) {
        return fields.contains(field);
    }
}
