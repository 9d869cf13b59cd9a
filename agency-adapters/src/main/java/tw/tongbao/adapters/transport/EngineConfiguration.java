package tw.tongbao.adapters.transport;

import java.time.Clock;
import java.util.random.RandomGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tw.tongbao.adapters.AdaptersProperties;

/** The delivery engine's policies and clock. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    AnswerPolicy answerPolicy(AdaptersProperties properties) {
        return new AnswerPolicy(
                new RetryPolicy(properties.jitterFraction(), properties.maxRetryAfter(), RandomGenerator.getDefault()));
    }
}
