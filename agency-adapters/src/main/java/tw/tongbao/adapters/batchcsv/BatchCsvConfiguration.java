package tw.tongbao.adapters.batchcsv;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the batch-csv settings. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BatchCsvProperties.class)
class BatchCsvConfiguration {}
