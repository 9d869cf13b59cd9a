package tw.tongbao.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

class PublisherConfirmGuardTests {

    private final BrokerConfiguration.PublisherConfirmGuard guard = new BrokerConfiguration.PublisherConfirmGuard();

    @Test
    void refusesAConnectionFactoryWithoutCorrelatedConfirms() {
        CachingConnectionFactory factory = new CachingConnectionFactory();
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);

        assertThatThrownBy(() -> guard.postProcessAfterInitialization(factory, "rabbitConnectionFactory"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("publisher-confirm-type must be 'correlated'");
        factory.destroy();
    }

    @Test
    void acceptsCorrelatedConfirms() {
        CachingConnectionFactory factory = new CachingConnectionFactory();
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);

        assertThat(guard.postProcessAfterInitialization(factory, "rabbitConnectionFactory"))
                .isSameAs(factory);
        factory.destroy();
    }
}
