package tw.tongbao.gateway.statistics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway keeps PostgreSQL's planner statistics of its busiest tables fresh ({@code tongbao.statistics.*}).
 *
 * @param interval how often the statistics of {@code change}, {@code delivery} and {@code delivery_event} are checked,
 *     each refreshed ({@code ANALYZE}) when many of its rows changed; zero turns it off (default 30 s)
 */
@ConfigurationProperties("tongbao.statistics")
public record StatisticsProperties(Duration interval) {

    public StatisticsProperties {
        interval = interval != null ? interval : Duration.ofSeconds(30);
    }
}
