package tw.tongbao.gateway.security;

import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tw.tongbao.core.pseudonym.SubjectPseudonyms;

/** Builds the {@link SubjectPseudonyms} from {@code tongbao.pseudonym.key}, refusing a short or malformed key. */
@Configuration(proxyBeanMethods = false)
class PseudonymConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PseudonymConfiguration.class);

    @Bean
    SubjectPseudonyms subjectPseudonyms(PseudonymProperties properties) {
        return create(properties);
    }

    static SubjectPseudonyms create(PseudonymProperties properties) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(properties.key());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("tongbao.pseudonym.key (TONGBAO_PSEUDONYM_KEY) is not base64");
        }
        if (key.length < 32) {
            throw new IllegalStateException("tongbao.pseudonym.key (TONGBAO_PSEUDONYM_KEY) must decode to at least"
                    + " 32 bytes (was " + key.length + ")");
        }
        if (properties.isDevelopmentKey()) {
            log.warn("tongbao.pseudonym.key is the public development key; set TONGBAO_PSEUDONYM_KEY in production");
        }
        return new SubjectPseudonyms(key);
    }
}
