package tw.tongbao.gateway.citizen;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How filings are grouped into shared transactions ({@code tongbao.filing.*}).
 *
 * @param batchSize most filings one writer commits in one transaction (default 100)
 * @param writers how many writer threads file batches at once, each for its own share of subjects (default 2)
 * @param queueCapacity most filings waiting per writer; past it a filing is refused with 503 (default 1000)
 */
@ConfigurationProperties("tongbao.filing")
public record FilingProperties(int batchSize, int writers, int queueCapacity) {

    public FilingProperties {
        batchSize = batchSize > 0 ? batchSize : 100;
        writers = writers > 0 ? writers : 2;
        queueCapacity = queueCapacity > 0 ? queueCapacity : 1000;
    }
}
