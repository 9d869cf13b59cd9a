package tw.tongbao.gateway.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the audit log records reads ({@code tongbao.ops.*}).
 *
 * @param readAuditWindow how long one actor's read of one receipt is not recorded again (default 15 min)
 */
@ConfigurationProperties("tongbao.ops")
public record AuditProperties(Duration readAuditWindow) {

    public AuditProperties {
        readAuditWindow =
                readAuditWindow == null || readAuditWindow.isNegative() ? Duration.ofMinutes(15) : readAuditWindow;
    }
}
