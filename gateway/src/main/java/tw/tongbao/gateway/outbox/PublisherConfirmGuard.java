package tw.tongbao.gateway.outbox;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.stereotype.Component;

/**
 * Refuses to start unless every publish is confirmed and unroutable messages come back: the relay deletes a change from
 * the outbox only on its own positive confirm with no return.
 */
@Component
class PublisherConfirmGuard {

    PublisherConfirmGuard(RabbitProperties rabbit) {
        check(rabbit);
    }

    /** Throws {@link UnsafeBrokerSettings} naming the setting to fix. */
    static void check(RabbitProperties rabbit) {
        ConfirmType confirmType = rabbit.getPublisherConfirmType();
        if (confirmType != ConfirmType.CORRELATED) {
            throw new UnsafeBrokerSettings("spring.rabbitmq.publisher-confirm-type must be 'correlated' (was '"
                    + (confirmType == null ? "none" : confirmType.name().toLowerCase(java.util.Locale.ROOT))
                    + "'): the outbox relay deletes a change from the outbox only on its broker confirm");
        }
        if (!rabbit.isPublisherReturns()) {
            throw new UnsafeBrokerSettings(
                    "spring.rabbitmq.publisher-returns must be true: an unroutable change must come back to the relay");
        }
        if (!Boolean.TRUE.equals(rabbit.getTemplate().getMandatory())) {
            throw new UnsafeBrokerSettings(
                    "spring.rabbitmq.template.mandatory must be true: an unroutable change must come back to the relay");
        }
    }
}
