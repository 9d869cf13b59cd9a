package tw.tongbao.gateway.audit;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Reading and verifying the audit log (OPERATOR or AUDITOR; security rules in {@code SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1/ops/audit")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/verify")
    ChainVerdict verify() {
        return audit.verify();
    }

    @GetMapping
    Map<String, Object> page(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw new InvalidAuditPage(page, size);
        }
        List<AuditEntry> entries = audit.page(page, size);
        return Map.of("page", page, "size", size, "total", audit.count(), "items", entries);
    }
}
