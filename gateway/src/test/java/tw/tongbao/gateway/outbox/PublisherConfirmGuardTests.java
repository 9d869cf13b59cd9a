package tw.tongbao.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;

class PublisherConfirmGuardTests {

    @Test
    void acceptsCorrelatedConfirmsWithReturnsAndMandatory() {
        assertThatCode(() -> PublisherConfirmGuard.check(safe())).doesNotThrowAnyException();
    }

    @Test
    void refusesSimpleConfirms() {
        RabbitProperties rabbit = safe();
        rabbit.setPublisherConfirmType(ConfirmType.SIMPLE);

        assertThatThrownBy(() -> PublisherConfirmGuard.check(rabbit))
                .isInstanceOf(UnsafeBrokerSettings.class)
                .hasMessageContaining("publisher-confirm-type must be 'correlated'")
                .hasMessageContaining("was 'simple'");
    }

    @Test
    void refusesMissingConfirms() {
        RabbitProperties rabbit = safe();
        rabbit.setPublisherConfirmType(null);

        assertThatThrownBy(() -> PublisherConfirmGuard.check(rabbit))
                .isInstanceOf(UnsafeBrokerSettings.class)
                .hasMessageContaining("was 'none'");
    }

    @Test
    void refusesPublishingWithoutReturns() {
        RabbitProperties rabbit = safe();
        rabbit.setPublisherReturns(false);

        assertThatThrownBy(() -> PublisherConfirmGuard.check(rabbit))
                .isInstanceOf(UnsafeBrokerSettings.class)
                .hasMessageContaining("publisher-returns");
    }

    @Test
    void refusesPublishingWithoutMandatory() {
        RabbitProperties rabbit = safe();
        rabbit.getTemplate().setMandatory(false);

        assertThatThrownBy(() -> PublisherConfirmGuard.check(rabbit))
                .isInstanceOf(UnsafeBrokerSettings.class)
                .hasMessageContaining("template.mandatory");
    }

    private static RabbitProperties safe() {
        RabbitProperties rabbit = new RabbitProperties();
        rabbit.setPublisherConfirmType(ConfirmType.CORRELATED);
        rabbit.setPublisherReturns(true);
        rabbit.getTemplate().setMandatory(true);
        return rabbit;
    }
}
