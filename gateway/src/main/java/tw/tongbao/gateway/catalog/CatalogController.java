package tw.tongbao.gateway.catalog;

import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tw.tongbao.core.agency.AgencyRegistry;

/** {@code GET /api/v1/catalog}: who learns what, so a citizen can see it before filing (CONTRACT §2). */
@RestController
class CatalogController {

    private final Catalog catalog;

    CatalogController(AgencyRegistry registry) {
        // The registry is fixed at start-up, so the catalog is built once.
        this.catalog = Catalog.of(registry);
    }

    @GetMapping("/api/v1/catalog")
    ResponseEntity<Catalog> catalog() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePrivate())
                .body(catalog);
    }
}
