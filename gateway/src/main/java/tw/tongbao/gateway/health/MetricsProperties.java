package tw.tongbao.gateway.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway keeps its metrics' reads small ({@code tongbao.metrics.*}).
 *
 * @param upkeepInterval how often the count deltas are folded into the totals and new full block ranges of the
 *     timeline are summarized ({@link MetricsUpkeep}); zero turns it off, leaving the deltas to pile up (default 10 s)
 */
@ConfigurationProperties("tongbao.metrics")
public record MetricsProperties(Duration upkeepInterval) {

    public MetricsProperties {
        upkeepInterval = upkeepInterval != null ? upkeepInterval : Duration.ofSeconds(10);
    }
}
